package io.meshgate.support;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address).
 * IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}) is read as the IPv4 address it maps, on both sides, so
 * a dual-stack listener cannot be used to slip past an IPv4 rule. Parsing never resolves a host
 * name: only literals are accepted.
 */
public final class CidrBlock {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private final byte[] network;
  private final int prefix;
  private final String text;

  private CidrBlock(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException with a message naming the bad value
   */
  public static CidrBlock parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("must be an IP address or CIDR block (was null)");
    }
    String text = value.trim();
    int slash = text.indexOf('/');
    String addressPart = slash < 0 ? text : text.substring(0, slash);
    InetAddress address = parseLiteral(addressPart);
    if (address == null) {
      throw new IllegalArgumentException(
          "must be an IP address or CIDR block (was '" + value + "')");
    }
    boolean mapped = address instanceof Inet4Address && addressPart.contains(":");
    int maxPrefix = mapped ? 128 : address.getAddress().length * 8;
    int prefix = maxPrefix;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
      if (prefix < 0 || prefix > maxPrefix) {
        throw new IllegalArgumentException(
            "prefix length must be between 0 and " + maxPrefix + " (was '" + value + "')");
      }
    }
    if (mapped) {
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "an IPv4-mapped block needs a prefix of at least 96 (was '" + value + "')");
      }
      prefix -= 96;
    }
    return new CidrBlock(address.getAddress(), prefix, text);
  }

  /** Parses an IP literal; {@code null} when the text is not one. Never queries DNS. */
  public static InetAddress parseLiteral(String text) {
    String candidate =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!IPV4.matcher(candidate).matches() && !IPV6.matcher(candidate).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(candidate);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (bytes[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest);
    return (bytes[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
