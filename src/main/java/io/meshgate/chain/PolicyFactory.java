package io.meshgate.chain;

import java.util.List;

/**
 * Turns a validated config record into the immutable policies of one API step. Implementations are
 * CDI beans; {@link PolicyRegistry} finds them by {@link #id()}.
 *
 * @param <C> the config record; parsed from the step's JSON and validated with Bean Validation
 *     before {@link #create} is called
 */
public interface PolicyFactory<C extends Record> {

  /** The stored policy id, kebab-case, never derived from a class name. */
  String id();

  /** The config record type. */
  Class<C> configType();

  /**
   * Builds the policies for one step: usually one; a policy that must act at two stages (the access
   * list checks the IP before and the client id after authentication) returns one per stage.
   *
   * @throws InvalidPolicyConfigException when the config is valid field by field but not as a whole
   */
  List<Policy> create(C config);
}
