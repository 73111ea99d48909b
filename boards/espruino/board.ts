/**
 * An Espruino board running one hanlab device: the SSD1306 comes up first so every later problem
 * can be shown on it, then `hanlab.json` is read from flash Storage, WiFi joins, the MQTT client
 * connects, and the device starts on the platform below. Nothing here throws to the top level:
 * a board has no one to catch it, so a bad config or a failed join is shown and logged instead.
 *
 * This is the board's platform, so it may use what firmware/ may not: Date.now() for the clock,
 * setTimeout for timers, console for the log.
 */
import { draw as drawScreen } from 'hanlab:display';
import { planScreen } from '../../firmware/display/render/plan.ts';
import type { Graphics } from '../../firmware/display/render/graphics.ts';
import type { ScreenModel } from '../../firmware/display/screen-model.ts';
import type { Log, Platform, TimerClock } from '../../firmware/platform/index.ts';
import { errorText } from '../../firmware/codec/errors.ts';
import { startBoardDevice } from '../../firmware/runtime/app.ts';
import type { DeviceBuild } from '../../firmware/runtime/app.ts';
import { CONFIG_FILE, checkBoardConfig } from './config.ts';
import type { BoardConfig } from './config.ts';
import { espruino } from './espruino.ts';
import type { EspruinoGraphics, EspruinoI2C } from './espruino.ts';
import { createMqttHan } from './han-mqtt.ts';

export interface EspruinoBoardPins {
  /** The I2C bus the SSD1306 is on, and its pins. */
  i2c: EspruinoI2C;
  scl: unknown;
  sda: unknown;
}

const WIFI_RETRY_MS = 10000;
const LINE_CHARS = 21; // 128 px / 6 px per 6x8 glyph

const timers: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  // Espruino's clearTimeout() without an id clears every timeout: never pass it undefined.
  clearTimeout: (id) => {
    if (id !== undefined) clearTimeout(id as ReturnType<typeof setTimeout>);
  },
};

const logAt = (level: string): Log['info'] => (message, data) => console.log('[hanlab] ' + level + message + (data ? ' ' + JSON.stringify(data) : ''));
const log: Log = { info: logAt(''), warn: logAt('WARN ') };

/** The title, then the text in lines of at most LINE_CHARS (cut at spaces where possible), six at most. */
function showStatus(g: EspruinoGraphics | null, title: string, text: string): void {
  if (!g) return;
  g.clear();
  g.setFont('6x8', 1);
  g.setFontAlign(-1, -1);
  g.drawString(title, 0, 0);
  for (let y = 16; text && y < 64; y += 8) {
    let cut = text.length > LINE_CHARS ? text.lastIndexOf(' ', LINE_CHARS) : LINE_CHARS;
    if (cut <= 0) cut = LINE_CHARS;
    g.drawString(text.substring(0, cut), 0, y);
    text = text.substring(cut).replace(/^ /, '');
  }
  g.flip();
}

export function startEspruinoBoard(build: DeviceBuild, pins: EspruinoBoardPins): void {
  const title = 'hanlab ' + build.device.toUpperCase();
  let g: EspruinoGraphics | null = null;
  try {
    pins.i2c.setup({ scl: pins.scl, sda: pins.sda, bitrate: 400000 });
    g = espruino.ssd1306().connect(pins.i2c, () => begin(), { height: 64 });
  } catch (err) {
    // No screen (not wired, wrong pins): the device still runs, reporting to the console only.
    log.warn('no SSD1306 display', { error: errorText(err) });
    begin();
  }

  function fail(problem: string): void {
    log.warn(problem, {});
    showStatus(g, title, problem);
  }

  function begin(): void {
    const config = espruino.storage().readJSON(CONFIG_FILE, true) as BoardConfig | undefined;
    const problem = checkBoardConfig(config, build.device);
    if (problem) {
      fail('Config error: ' + problem);
      return;
    }
    joinWifi(config!);
  }

  function joinWifi(config: BoardConfig): void {
    showStatus(g, title, 'Joining WiFi ' + config.wifi.ssid);
    espruino.wifi().connect(config.wifi.ssid, { password: config.wifi.password }, (err) => {
      if (err) {
        fail('WiFi ' + config.wifi.ssid + ': ' + String(err) + ' (retrying)');
        setTimeout(() => joinWifi(config), WIFI_RETRY_MS);
        return;
      }
      run(config);
    });
  }

  function run(config: BoardConfig): void {
    const port = config.mqtt.port || 1883;
    showStatus(g, title, 'Broker ' + config.mqtt.host + ':' + port);
    // Username = client id = the EUI, and the device's secret: the broker lets only this board be this EUI.
    const login = config.secret === undefined ? {} : { username: config.eui, password: config.secret };
    const mqtt = espruino.mqtt().create(config.mqtt.host, Object.assign({ port: port, client_id: config.eui, keep_alive: 60 }, login));
    const link = createMqttHan(mqtt, config.premises, config.eui, build.device, log, timers);
    let shown = '';
    const storage = espruino.storage();
    const platform: Platform = {
      clock: { now: () => Date.now() },
      timers: timers,
      han: link.han,
      log: log,
      storage: {
        read: (key) => {
          const v = storage.read('hl.' + key);
          return v === undefined ? null : v;
        },
        write: (key, value) => {
          storage.write('hl.' + key, value);
        },
      },
      observe: {
        state: link.observe.state,
        screen: (model) => {
          link.observe.screen!(model);
          if (build.device !== 'ppmid' || !g) return;
          // Redraw when the pixels would change only (the plan leaves out the age in minutes, the
          // model does not): an I2C frame is ~1 KB and the OLED keeps its picture by itself.
          const plan = JSON.stringify(planScreen(model as ScreenModel));
          if (plan === shown) return;
          shown = plan;
          drawScreen(g as unknown as Graphics, model as ScreenModel);
        },
      },
    };
    // The device starts once the broker has taken its subscription: its first reads and reports
    // would otherwise be lost before the HAN exists.
    let started = false;
    mqtt.on('connected', () => {
      if (started) return;
      started = true;
      if (build.device !== 'ppmid') showStatus(g, title, config.eui + ' on ' + config.mqtt.host);
      if (!startBoardDevice(build, platform, config)) fail('Device did not start (see console)');
    });
    mqtt.connect();
  }
}
