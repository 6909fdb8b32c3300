// A delivery that cannot be carried out: a one-line message (never a value) and its exit code.
export class DeliveryError extends Error {
  override readonly name = "DeliveryError";
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
