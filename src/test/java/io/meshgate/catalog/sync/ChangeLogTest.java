package io.meshgate.catalog.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
  private static final CatalogChange SUSPENDED = CatalogChange.subscription(3, 7, "shop");
  private static final CatalogChange REVOKED = CatalogChange.credential(4, 8, "blog");
  private static final CatalogChange PLAN = CatalogChange.plan(5);
  private static final List<CatalogChange> EVERYTHING = List.of(CatalogChange.everything());

  @Test
  void anUnbrokenRunOfRowsEvictsWhatTheyName() {
    assertThat(
            ChangeLog.toApply(
                10,
                13,
                List.of(entry(12, REVOKED), entry(11, SUSPENDED), entry(13, PLAN)),
                Set.of()))
        .containsExactly(SUSPENDED, REVOKED, PLAN);
  }

  @Test
  void revisionsThisReplicaWroteAndEvictedForAreSkipped() {
    assertThat(
            ChangeLog.toApply(
                10, 12, List.of(entry(11, SUSPENDED), entry(12, REVOKED)), Set.of(11L)))
        .containsExactly(REVOKED);
  }

  @Test
  void nothingMovedNothingEvicted() {
    assertThat(ChangeLog.toApply(10, 10, List.of(), Set.of())).isEmpty();
  }

  @Test
  void aRevisionWithoutItsRowDropsEverything() {
    // 12 was bumped by a seed or an older version, which write no row.
    assertThat(ChangeLog.toApply(10, 13, List.of(entry(11, SUSPENDED), entry(13, PLAN)), Set.of()))
        .isEqualTo(EVERYTHING);
  }

  @Test
  void rowsPrunedWhileTheReplicaWasBehindDropEverything() {
    assertThat(ChangeLog.toApply(10, 13, List.of(entry(13, PLAN)), Set.of())).isEqualTo(EVERYTHING);
  }

  @Test
  void aMissingLatestRowDropsEverything() {
    assertThat(ChangeLog.toApply(10, 12, List.of(entry(11, SUSPENDED)), Set.of()))
        .isEqualTo(EVERYTHING);
  }

  @Test
  void aRevisionThatWentBackDropsEverything() {
    assertThat(ChangeLog.toApply(10, 4, List.of(), Set.of())).isEqualTo(EVERYTHING);
  }

  @Test
  void aStoredEverythingDropsEverything() {
    assertThat(
            ChangeLog.toApply(
                10,
                12,
                List.of(entry(11, SUSPENDED), entry(12, CatalogChange.everything())),
                Set.of()))
        .isEqualTo(EVERYTHING);
  }

  @Test
  void rowsOutsideTheRangeAreIgnored() {
    assertThat(
            ChangeLog.toApply(
                10,
                11,
                List.of(entry(9, PLAN), entry(11, SUSPENDED), entry(12, REVOKED)),
                Set.of()))
        .containsExactly(SUSPENDED);
  }

  @Test
  void malformedRowsAreNotWellFormed() {
    assertThat(new CatalogChange(CatalogChange.Kind.PLAN, "x", 0, null).wellFormed()).isFalse();
    assertThat(new CatalogChange(CatalogChange.Kind.APP, "7", 0, null).wellFormed()).isFalse();
    assertThat(SUSPENDED.wellFormed()).isTrue();
    assertThat(CatalogChange.signingKey("kid-1").wellFormed()).isTrue();
  }

  private static ChangeLog.Entry entry(long revision, CatalogChange change) {
    return new ChangeLog.Entry(revision, change);
  }
}
