import type { FileHandle } from "node:fs/promises";

const CHUNK_BYTES = 1 << 20;

/** A read past the end of the file: `needed` is the byte the read would have to reach. */
export class PastEndOfFile extends Error {
  public constructor(
    public readonly needed: bigint,
    public readonly what: string,
  ) {
    super(`${what} ends at byte ${needed}`);
  }
}

/**
 * Little-endian reads from the start of a file, buffered in 1 MiB chunks and never past the file's size: every
 * length is checked against the bytes left before anything is allocated, so a header that declares absurd sizes
 * costs no memory. Call `need(n)` before reading `n` bytes.
 */
export class GgufByteCursor {
  public position = 0;
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;

  public constructor(
    private readonly handle: FileHandle,
    public readonly fileSize: number,
  ) {}

  public get remaining(): number {
    return this.fileSize - this.position;
  }

  /** Whether the next `count` bytes are already buffered (then `need(count)` would return at once). */
  public buffered(count: number): boolean {
    return this.position + count <= this.bufferStart + this.buffer.length;
  }

  public async need(count: number | bigint, what: string): Promise<void> {
    const end = BigInt(this.position) + BigInt(count);
    if (end > BigInt(this.fileSize)) throw new PastEndOfFile(end, what);
    const needed = Number(end);
    if (needed <= this.bufferStart + this.buffer.length) return;
    const length = Math.min(Math.max(needed - this.position, CHUNK_BYTES), this.fileSize - this.position);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.position);
    if (bytesRead < needed - this.position) throw new PastEndOfFile(end, what);
    this.buffer = buffer.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  /** Steps over `count` bytes without reading them. */
  public skip(count: number | bigint, what: string): void {
    const end = BigInt(this.position) + BigInt(count);
    if (end > BigInt(this.fileSize)) throw new PastEndOfFile(end, what);
    this.position = Number(end);
  }

  public u16(): number {
    const value = this.buffer.readUInt16LE(this.position - this.bufferStart);
    this.position += 2;
    return value;
  }

  public i32(): number {
    const value = this.buffer.readInt32LE(this.position - this.bufferStart);
    this.position += 4;
    return value;
  }

  public u32(): number {
    const value = this.buffer.readUInt32LE(this.position - this.bufferStart);
    this.position += 4;
    return value;
  }

  public u64(): bigint {
    const value = this.buffer.readBigUInt64LE(this.position - this.bufferStart);
    this.position += 8;
    return value;
  }

  public i64(): bigint {
    const value = this.buffer.readBigInt64LE(this.position - this.bufferStart);
    this.position += 8;
    return value;
  }

  public text(length: number): string {
    const start = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.toString("utf8", start, start + length);
  }

  public bytes(length: number): Buffer {
    const start = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.subarray(start, start + length);
  }
}
