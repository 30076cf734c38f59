package io.meshgate.catalog.api;

/** Lifecycle of an API. Only {@link #PUBLISHED} APIs serve traffic. */
public enum ApiState {
  DRAFT,
  PUBLISHED,
  RETIRED
}
