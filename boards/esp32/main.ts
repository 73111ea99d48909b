/** ESP32 (Espruino) with an SSD1306 128×64 on I2C1 at the ESP32 DevKit's usual pins: SCL D22, SDA D21. */
// Named imports, not `* as`: a namespace object would cost the bundle esbuild's getter-based export table.
import { buildFlags, createDeviceActor, device, encodeFrame, runtime } from 'hanlab:device';
import { startEspruinoBoard } from '../espruino/board.ts';
import type { EspruinoI2C } from '../espruino/espruino.ts';

declare const I2C1: EspruinoI2C;
declare const D21: unknown;
declare const D22: unknown;

startEspruinoBoard({ device, runtime, buildFlags, createDeviceActor, encodeFrame }, { i2c: I2C1, scl: D22, sda: D21 });
