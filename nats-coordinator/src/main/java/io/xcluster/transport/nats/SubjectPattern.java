package io.xcluster.transport.nats;

/**
 * NATS subject wildcards as the server reads them: {@code *} is one token, a final {@code >} one or
 * more.
 */
final class SubjectPattern {

  private SubjectPattern() {}

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

  static boolean matches(String pattern, String subject) {
    if (subject == null) {
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
