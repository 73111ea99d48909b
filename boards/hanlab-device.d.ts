/** The module `hanlab build` generates for each bundle (boards/bundler/bundle.ts). */
declare module 'hanlab:device' {
  import type { DeviceBuild } from '../firmware/runtime/app.ts';
  export const device: DeviceBuild['device'];
  export const runtime: DeviceBuild['runtime'];
  export const buildFlags: DeviceBuild['buildFlags'];
  export const createDeviceActor: DeviceBuild['createDeviceActor'];
  export const encodeFrame: DeviceBuild['encodeFrame'];
}

/** The board's display layout (board.json `display`), chosen by the build (boards/bundler/bundle.ts). */
declare module 'hanlab:display' {
  import type { Graphics } from '../firmware/display/render/graphics.ts';
  import type { ScreenModel } from '../firmware/display/screen-model.ts';
  /** Draws the screen and flips: one whole frame. */
  export function draw(g: Graphics, screen: ScreenModel): void;
}
