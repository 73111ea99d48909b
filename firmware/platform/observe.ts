/**
 * Observability: what a device publishes about itself for tools and dashboards (retained `state`
 * and `screen` topics in the MQTT stand-in). Devices never read these back.
 */
export interface Observer {
  state(model: Record<string, unknown>): void;
  screen?(model: unknown): void;
}

export interface Log {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}
