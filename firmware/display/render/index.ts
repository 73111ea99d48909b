export { createFrameBuffer } from './framebuffer.ts';
export type { FrameBuffer, FrameBufferBpp } from './framebuffer.ts';
export { DISPLAY_PROFILES, drawScreen, fitText } from './layout.ts';
export type { DisplayProfile } from './layout.ts';
export { BANNERS, planScreen } from './plan.ts';
export type { Badge, Banner, ScreenPlan, TimeLine, Tone } from './plan.ts';
export type { DrawImageOptions, FontAlign, FontName, Graphics, GraphicsImage } from './graphics.ts';
