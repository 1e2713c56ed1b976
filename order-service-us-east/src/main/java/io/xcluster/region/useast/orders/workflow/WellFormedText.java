package io.xcluster.region.useast.orders.workflow;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The rules for text a customer sends (an order's ids and SKUs, a delivery address's fields), kept
 * once so that every such field is held to the same ones. Text travels through Temporal, eu-west,
 * logs and payment gateways: it must be present, short, well-formed Unicode (no lone surrogate),
 * free of control characters (NUL included) and in normal form C, so that two spellings of one name
 * are one name.
 */
final class WellFormedText {

  private WellFormedText() {}

  /**
   * What is wrong with {@code text}, as the end of a sentence naming the field ({@code "is
   * missing"}); null when nothing is.
   *
   * @param maxLength in characters (code points), as a customer counts them, not UTF-16 units
   */
  static String problem(String text, int maxLength) {
    if (text == null || text.isBlank()) {
      return "is missing";
    }
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      if (Character.isSurrogate(text.charAt(i)) && Character.charCount(codePoint) == 1) {
        return "must be well-formed Unicode: a lone surrogate at position " + i;
      }
      if (Character.getType(codePoint) == Character.CONTROL) {
        return "must not contain control characters: U+"
            + String.format(Locale.ROOT, "%04X", codePoint)
            + " at position "
            + i;
      }
      i += Character.charCount(codePoint);
    }
    int length = text.codePointCount(0, text.length());
    if (length > maxLength) {
      return "must be at most " + maxLength + " characters, was " + length;
    }
    if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      return "must be in Unicode normal form C (NFC)";
    }
    return null;
  }
}
