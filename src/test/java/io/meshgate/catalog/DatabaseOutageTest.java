package io.meshgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.support.Problem;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

  @Test
  void connectionFailuresAnywhereInTheChainAreAnOutage() {
    // PostgreSQL's driver: refused (08001), connection lost mid-query (08006), server shutting
    // down (57P01), a statement cancelled by its timeout (57014), too many connections (53300).
    for (String state : new String[] {"08001", "08006", "57P01", "57014", "53300"}) {
      assertThat(DatabaseOutage.isCause(wrapped(new SQLException("x", state)))).as(state).isTrue();
    }
    assertThat(DatabaseOutage.isCause(wrapped(new SQLTransientConnectionException("pool"))))
        .isTrue();
    assertThat(DatabaseOutage.isCause(wrapped(new ConnectException("refused")))).isTrue();
    SQLException chained = new SQLException("batch failed", "HY000");
    chained.setNextException(new SQLException("lost", "08006"));
    assertThat(DatabaseOutage.isCause(chained)).isTrue();
  }

  @Test
  void dataErrorsAndBugsAreNot() {
    assertThat(DatabaseOutage.isCause(wrapped(new SQLException("duplicate", "23505")))).isFalse();
    assertThat(DatabaseOutage.isCause(wrapped(new SQLException("syntax", "42601")))).isFalse();
    assertThat(DatabaseOutage.isCause(new SQLException("no state"))).isFalse();
    assertThat(DatabaseOutage.isCause(new IllegalStateException("bug"))).isFalse();
    assertThat(DatabaseOutage.isCause(null)).isFalse();
  }

  @Test
  void answersServiceUnavailableWithRetryAfterAndAFixedDetail() {
    Problem p = DatabaseOutage.problem();
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.errorKey()).isEqualTo("CATALOG_UNAVAILABLE");
    assertThat(p.headers()).containsEntry("Retry-After", "5");
    assertThat(p.detail()).isEqualTo("The catalog database is unavailable; retry later");
  }

  private static RuntimeException wrapped(Throwable cause) {
    return new RuntimeException("transaction failed", new IllegalStateException("jpa", cause));
  }
}
