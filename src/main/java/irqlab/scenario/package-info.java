/**
 * Scenario files: the immutable model, the YAML parser and validation of every key and reference.
 * Bad input always surfaces as one ScenarioException naming file, line, column and key path.
 */
package irqlab.scenario;
