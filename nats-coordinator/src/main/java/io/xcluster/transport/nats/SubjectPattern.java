package io.xcluster.transport.nats;

/**
 * NATS subject wildcards as the server reads them: {@code *} is one token, a final {@code >} one or
 * more.
 */
final class SubjectPattern {

  private SubjectPattern() {}

  /** Whether {@code subject} names one subject: tokens of letters, digits, - and _, none empty. */
  static boolean isLiteral(String subject) {
    for (String token : subject.split("\\.", -1)) {
      if (!token.matches("[A-Za-z0-9_-]+")) {
        return false;
      }
    }
    return true;
  }

  static boolean isValid(String pattern) {
    String[] tokens = pattern.split("\\.", -1);
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      boolean wildcard = token.equals("*") || (token.equals(">") && i == tokens.length - 1);
      if (!wildcard && !token.matches("[A-Za-z0-9_-]+")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code subject} is one a message can be published to and matches {@code pattern}; a
   * subject with a wildcard or an empty token matches nothing.
   */
  static boolean matches(String pattern, String subject) {
    if (subject == null || !isLiteral(subject)) {
      return false;
    }
    String[] want = pattern.split("\\.", -1);
    String[] got = subject.split("\\.", -1);
    for (int i = 0; i < want.length; i++) {
      if (want[i].equals(">")) {
        return got.length > i;
      }
      if (i >= got.length || got[i].isEmpty() || !(want[i].equals("*") || want[i].equals(got[i]))) {
        return false;
      }
    }
    return want.length == got.length;
  }
}
