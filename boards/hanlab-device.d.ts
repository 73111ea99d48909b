/** The module `hanlab build` generates for each bundle (sim/build/bundle.ts). */
declare module 'hanlab:device' {
  import type { DeviceBuild } from '../firmware/runtime/app.ts';
  export const device: DeviceBuild['device'];
  export const runtime: DeviceBuild['runtime'];
  export const buildFlags: DeviceBuild['buildFlags'];
  export const createDeviceActor: DeviceBuild['createDeviceActor'];
}
