package io.meshgate.policy.accesslist;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Config of {@code access-list}; every list may be omitted. */
public record AccessListPolicyConfig(
    @Size(max = 10000) List<@NotBlank String> allowIps,
    @Size(max = 10000) List<@NotBlank String> denyIps,
    @Size(max = 100000) List<@NotBlank String> allowClientIds,
    @Size(max = 100000) List<@NotBlank String> denyClientIds) {

  public AccessListPolicyConfig {
    allowIps = allowIps == null ? List.of() : List.copyOf(allowIps);
    denyIps = denyIps == null ? List.of() : List.copyOf(denyIps);
    allowClientIds = allowClientIds == null ? List.of() : List.copyOf(allowClientIds);
    denyClientIds = denyClientIds == null ? List.of() : List.copyOf(denyClientIds);
  }
}
