/**
 * What an Espruino board offers that the Espruino platform uses, typed. `require` here is
 * Espruino's own (built-in modules and the ones the flash tool uploads), not Node's.
 */
export interface EspruinoMqtt {
  connect(): void;
  on(event: 'connected' | 'disconnected', handler: () => void): void;
  on(event: 'publish', handler: (msg: { topic: string; message: string; retain?: number | boolean }) => void): void;
  subscribe(topic: string, options: { qos: 0 }): void;
  publish(topic: string, message: string, options: { qos: 0; retain?: boolean }): void;
}

/** Espruino's `require("MQTT").create(host, options)` options the board sets. */
export interface EspruinoMqttOptions {
  port: number;
  client_id: string;
  username?: string;
  password?: string;
  keep_alive: number;
}

export interface EspruinoWifi {
  connect(ssid: string, options: { password: string }, callback: (err: unknown) => void): void;
}

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
}

/** The part of Espruino's Graphics the status lines use (the PPMID screen uses firmware/display/render). */
export interface EspruinoGraphics {
  clear(): EspruinoGraphics;
  setFont(name: string, scale?: number): EspruinoGraphics;
  setFontAlign(x: number, y?: number): EspruinoGraphics;
  drawString(text: string, x: number, y: number): EspruinoGraphics;
  flip(): void;
}

export interface EspruinoI2C {
  setup(options: { scl: unknown; sda: unknown; bitrate?: number }): void;
}

declare const require: (name: string) => unknown;

// Literal names: the flash tool (the espruino CLI) finds the modules to upload by these calls.
export const espruino = {
  mqtt: (): { create(host: string, options: EspruinoMqttOptions): EspruinoMqtt } => require('MQTT') as never,
  storage: (): EspruinoStorage => require('Storage') as never,
  ssd1306: (): { connect(i2c: EspruinoI2C, callback: () => void, options: { height: number }): EspruinoGraphics } => require('SSD1306') as never,
  wifi: (): EspruinoWifi => require('Wifi') as never,
};
