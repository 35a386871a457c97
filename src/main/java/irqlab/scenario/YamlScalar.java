package irqlab.scenario;

import java.math.BigInteger;

/**
 * A scalar as YAML typed it. {@code integer} holds the value of an INT scalar (YAML allows
 * {@code 0x1f}, {@code 1_000}), or null when it was too large to convert.
 */
record YamlScalar(Kind kind, String text, BigInteger integer, Loc loc, String path)
    implements YamlNode {

  enum Kind {
    STRING,
    INT,
    FLOAT,
    BOOL,
    NULL,
    OTHER
  }

  @Override
  public String describe() {
    return switch (kind) {
      case STRING -> quote(text);
      case NULL -> "an empty value";
      case OTHER -> "a tagged value";
      default -> abbreviate(text);
    };
  }

  /** An integer in {@code min..max}; {@code what} completes "expected ...". */
  long integer(long min, long max, String what) {
    if (kind != Kind.INT || integer == null) {
      throw error("expected " + what + ", got " + describe());
    }
    if (integer.compareTo(BigInteger.valueOf(min)) < 0
        || integer.compareTo(BigInteger.valueOf(max)) > 0) {
      throw error("expected " + what + ", got " + abbreviate(integer.toString()));
    }
    return integer.longValue();
  }

  int intValue(int min, int max, String what) {
    return (int) integer(min, max, what);
  }

  boolean bool() {
    if (kind != Kind.BOOL) {
      throw error("expected true or false, got " + describe());
    }
    // Jackson maps YAML 1.1 yes/no/on/off to booleans too; lower-case text tells them apart.
    return switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "y", "on" -> true;
      default -> false;
    };
  }

  static String quote(String s) {
    return "'" + abbreviate(s) + "'";
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
