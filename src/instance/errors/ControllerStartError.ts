/** The controller could not start (lock held, port in use, config unreadable...); the message is the reason. */
export class ControllerStartError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ControllerStartError";
  }
}
