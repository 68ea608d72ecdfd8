// What every part logs through: Probot's pino logger in the app, a quiet or JSON one on the
// command line. An object of details first, then the message.
export interface Logger {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
}
