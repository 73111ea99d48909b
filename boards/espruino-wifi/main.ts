/**
 * Espruino WiFi (STM32F411 + ESP8266) with an SSD1306 128×64 on I2C1: SCL B8, SDA B9 (B6/B7
 * are the serial console when USB is unplugged, so they are left alone).
 */
// Named imports, not `* as`: a namespace object would cost the bundle esbuild's getter-based export table.
import { buildFlags, createDeviceActor, device, encodeFrame, runtime } from 'hanlab:device';
import { startEspruinoBoard } from '../espruino/board.ts';
import type { EspruinoI2C } from '../espruino/espruino.ts';

declare const I2C1: EspruinoI2C;
declare const B8: unknown;
declare const B9: unknown;

startEspruinoBoard({ device, runtime, buildFlags, createDeviceActor, encodeFrame }, { i2c: I2C1, scl: B8, sda: B9 });
