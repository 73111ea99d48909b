/**
 * The `.bootcde` a board gets from `hanlab flash` (the espruino CLI with SAVE_ON_SEND=1): the
 * modules the bundle requires, each as `Modules.addCached(name, function(){…})` in front, then
 * the bundle. On the Linux interpreter two things stand in for the board: a `Wifi` module that
 * joins at once (the interpreter's sockets are the host's), and the board's pin names (B8, B9 on
 * the Espruino WiFi) as Linux pins.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The modules the Espruino boards' bundles require that the firmware does not have built in (cli/flash.ts). */
export const UPLOADED_MODULES = ['MQTT', 'SSD1306'] as const;

const LINUX_WIFI = 'Modules.addCached("Wifi",function(){exports.connect=function(ssid,options,callback){setTimeout(function(){callback(null);},10);};});';
const LINUX_PINS = 'B8=D8;B9=D9;';

/** `modulesDir` holds MQTT.js and SSD1306.js (EspruinoDocs' modules, as the espruino CLI uploads them). */
export function bootCode(bundle: string, modulesDir: string, sampleMs = 0): string {
  const modules = UPLOADED_MODULES.map((name) => {
    const file = join(modulesDir, `${name}.js`);
    if (!existsSync(file)) throw new Error(`--modules: ${file} is missing (Espruino's ${name} module, e.g. from EspruinoDocs modules/ or devices/)`);
    const code = readFileSync(file, 'utf8').trim();
    return `Modules.addCached(${JSON.stringify(name)},function(){${code}${code.includes('//') ? '\n' : ''}});`;
  });
  const sampler = sampleMs > 0 ? `setInterval(function(){var m=process.memory();print("MEM "+m.usage+" "+m.total+" "+process.version);},${sampleMs});` : '';
  return modules.join('') + LINUX_WIFI + LINUX_PINS + sampler + '\n' + bundle;
}
