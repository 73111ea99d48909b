/** EUI-64 as 16 upper-case hex digits: the device's HAN address and its MQTT client id. */
export type Eui64 = string;

export type FrameHandler = (src: Eui64, clusterId: number, frame: Uint8Array) => void;

/**
 * The HAN as a device sees it: ZCL frames to and from other devices, addressed by EUI-64 and
 * cluster. Like ZigBee, sending is fire-and-forget; a lost frame is noticed only by a timeout.
 */
export interface HanTransport {
  send(dst: Eui64, clusterId: number, frame: Uint8Array): void;
  onFrame(handler: FrameHandler): void;
}
