package io.meshgate.catalog.app;

/** An app is either allowed to call ({@link #ACTIVE}) or not ({@link #SUSPENDED}). */
public enum AppState {
  ACTIVE,
  SUSPENDED
}
