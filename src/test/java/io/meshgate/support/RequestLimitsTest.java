package io.meshgate.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLimitsTest {
  @Test
  void theDefaultsLeaveRoomForAMegabyteOfHeaders() {
    assertThat(RequestLimits.mismatch(10_485_760, 11_665_408)).isEmpty();
  }

  @Test
  void aBodyLimitRaisedAloneIsReportedWithBothNames() {
    assertThat(RequestLimits.mismatch(20_000_000, 11_665_408))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("HTTP_MAX_MESSAGE_BYTES (11665408)")
                    .contains("MESHGATE_PROXY_MAX_REQUEST_BYTES (20000000)"));
  }

  @Test
  void lessThanTheHeaderRoomIsReported() {
    assertThat(RequestLimits.mismatch(1_000_000, 1_000_000 + RequestLimits.MIN_HEADER_ROOM - 1))
        .isPresent();
    assertThat(RequestLimits.mismatch(1_000_000, 1_000_000 + RequestLimits.MIN_HEADER_ROOM))
        .isEmpty();
  }

  @Test
  void anUnlimitedMessageNeverConflicts() {
    assertThat(RequestLimits.mismatch(Long.MAX_VALUE, -1)).isEmpty();
  }
}
