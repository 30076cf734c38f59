package io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrBlockTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "10.0.0.0/8, 9.255.255.255, false",
    "192.168.1.0/24, 192.168.1.255, true",
    "192.168.1.0/24, 192.168.2.0, false",
    "172.16.0.0/12, 172.31.255.255, true",
    "172.16.0.0/12, 172.32.0.0, false",
    "10.1.2.3/8, 10.9.9.9, true",
    "203.0.113.7, 203.0.113.7, true",
    "203.0.113.7, 203.0.113.8, false",
    "203.0.113.7/32, 203.0.113.7, true",
    "0.0.0.0/0, 198.51.100.1, true",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "2001:db8::/33, 2001:db8:8000::1, false",
    "2001:db8::1, 2001:db8::1, true",
    "2001:db8::1, 2001:db8::2, false",
    "[2001:db8::]/48, 2001:db8:1::1, false",
    "[2001:db8::]/48, 2001:db8::abcd, true",
    "::/0, 2001:db8::1, true",
  })
  void contains(String block, String address, boolean expected) {
    assertThat(CidrBlock.parse(block).contains(ip(address))).isEqualTo(expected);
  }

  @Test
  void ipv4RulesDoNotMatchIpv6AddressesAndViceVersa() {
    assertThat(CidrBlock.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
    assertThat(CidrBlock.parse("::/0").contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void ipv4MappedClientAddressIsReadAsIpv4() {
    assertThat(CidrBlock.parse("10.0.0.0/8").contains(ip("::ffff:10.1.2.3"))).isTrue();
    assertThat(CidrBlock.parse("10.0.0.0/8").contains(ip("::ffff:11.1.2.3"))).isFalse();
  }

  @Test
  void ipv4MappedClientAddressFromRawBytesIsReadAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
    assertThat(CidrBlock.parse("10.0.0.0/8").contains(InetAddress.getByAddress(mapped))).isTrue();
  }

  @Test
  void ipv4MappedBlockMatchesIpv4Addresses() {
    CidrBlock block = CidrBlock.parse("::ffff:10.0.0.0/104");
    assertThat(block.contains(ip("10.200.0.1"))).isTrue();
    assertThat(block.contains(ip("::ffff:10.200.0.1"))).isTrue();
    assertThat(block.contains(ip("11.0.0.1"))).isFalse();
    assertThat(CidrBlock.parse("::ffff:10.1.2.3").contains(ip("10.1.2.3"))).isTrue();
    assertThat(CidrBlock.parse("::ffff:10.1.2.3").contains(ip("10.1.2.4"))).isFalse();
    assertThat(CidrBlock.parse("::ffff:0.0.0.0/96").contains(ip("198.51.100.1"))).isTrue();
  }

  @Test
  void textIsKeptForMessages() {
    assertThat(CidrBlock.parse(" 10.0.0.0/8 ")).hasToString("10.0.0.0/8");
  }

  @Test
  void hostNamesAreRejectedWithoutResolving() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("example.com"))
        .withMessage("must be an IP address or CIDR block (was 'example.com')");
    // localhost would resolve: it being refused shows no lookup took place.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("localhost/8"))
        .withMessage("must be an IP address or CIDR block (was 'localhost/8')");
    assertThat(CidrBlock.parseLiteral("localhost")).isNull();
  }

  @Test
  void malformedAddresses() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("999.1.1.1"))
        .withMessage("must be an IP address or CIDR block (was '999.1.1.1')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("1.2.3"))
        .withMessage("must be an IP address or CIDR block (was '1.2.3')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse(""))
        .withMessage("must be an IP address or CIDR block (was '')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("fe80::1%eth0"))
        .withMessage("must be an IP address or CIDR block (was 'fe80::1%eth0')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse(null))
        .withMessage("must be an IP address or CIDR block (was null)");
  }

  @Test
  void prefixOutOfRange() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("10.0.0.0/33"))
        .withMessage("prefix length must be between 0 and 32 (was '10.0.0.0/33')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("10.0.0.0/-1"))
        .withMessage("prefix length must be between 0 and 32 (was '10.0.0.0/-1')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("10.0.0.0/x"))
        .withMessage("prefix length must be between 0 and 32 (was '10.0.0.0/x')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("2001:db8::/129"))
        .withMessage("prefix length must be between 0 and 128 (was '2001:db8::/129')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("::ffff:10.0.0.0/129"))
        .withMessage("prefix length must be between 0 and 128 (was '::ffff:10.0.0.0/129')");
  }

  @Test
  void ipv4MappedBlockNeedsAtLeast96Bits() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> CidrBlock.parse("::ffff:10.0.0.0/95"))
        .withMessage(
            "an IPv4-mapped block needs a prefix of at least 96 (was '::ffff:10.0.0.0/95')");
  }

  @Test
  void parseLiteralAcceptsBracketedIpv6() {
    assertThat(CidrBlock.parseLiteral("[2001:db8::1]")).isEqualTo(ip("2001:db8::1"));
    assertThat(CidrBlock.parseLiteral("not-an-ip")).isNull();
  }

  private static InetAddress ip(String literal) {
    InetAddress address = CidrBlock.parseLiteral(literal);
    assertThat(address).as(literal).isNotNull();
    return address;
  }
}
