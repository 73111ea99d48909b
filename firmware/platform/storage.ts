/** Small key/value persistence (files on Node, flash Storage on Espruino). */
export interface Storage {
  read(key: string): string | null;
  write(key: string, value: string): void;
}
