package io.meshgate.catalog.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Decides what a replica evicts when it catches up from the revision it has seen to the current
 * one, from the {@code catalog_change} rows in between. Only an unbroken run of rows explains a
 * step: a revision without its row (bumped by a seed or an older version, or pruned while this
 * replica could not read the database) or a revision that went backwards (another database) means
 * the replica cannot tell what changed, so it drops everything.
 */
final class ChangeLog {
  /** One row of {@code catalog_change}. */
  record Entry(long revision, CatalogChange change) {}

  private ChangeLog() {}

  /**
   * The changes to evict for; {@code [EVERYTHING]} when the rows do not explain every revision.
   *
   * @param appliedHere revisions this replica wrote and has already evicted for
   */
  static List<CatalogChange> toApply(
      long seen, long current, List<Entry> entries, Set<Long> appliedHere) {
    if (current < seen) {
      return List.of(CatalogChange.everything());
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::revision));
    List<CatalogChange> out = new ArrayList<>();
    long expected = seen + 1;
    for (Entry e : sorted) {
      if (e.revision() <= seen || e.revision() > current) {
        continue;
      }
      if (e.revision() != expected) {
        return List.of(CatalogChange.everything());
      }
      expected++;
      if (e.change().kind() == CatalogChange.Kind.EVERYTHING) {
        return List.of(CatalogChange.everything());
      }
      if (!appliedHere.contains(e.revision())) {
        out.add(e.change());
      }
    }
    if (expected != current + 1) {
      return List.of(CatalogChange.everything());
    }
    return out;
  }
}
