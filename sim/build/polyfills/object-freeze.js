/*
 * Object.freeze as the identity: Espruino 2v29 has no Object.freeze, and every bundle died at load
 * on its first frozen constant. The firmware freezes only its own constants, to have TypeScript
 * and Node stop a write to them; nothing on the board writes to them or asks whether they are
 * frozen, so returning the object unchanged keeps what the firmware does there.
 */
if (!Object.freeze) Object.freeze = function (o) { return o; };
