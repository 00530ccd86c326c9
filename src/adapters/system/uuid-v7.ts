import { randomFillSync } from "node:crypto";
import type { IdGenerator } from "../../domain/ports/id-generator.js";

const RANDOM_BYTES_PER_ID = 8;
// One trip to the system's random source per 1024 ids: a call per id cost more than the insert
// the id is for.
const POOL_SIZE = 1024 * RANDOM_BYTES_PER_ID;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Within one millisecond the
 * 12-bit `rand_a` field counts up (method 1 of §6.2), so ids from one process stay strictly
 * increasing and inserts into a unique index keep landing on the rightmost B-tree page.
 */
export class UuidV7Generator implements IdGenerator {
  private lastMs = 0;
  private counter = 0;
  private readonly pool = Buffer.alloc(POOL_SIZE);
  private offset = POOL_SIZE;

  constructor(private readonly nowMs: () => number = Date.now) {}

  uuid(): string {
    let ms = this.nowMs();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.counter++;
      if (this.counter > 0xfff) {
        // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
        ms = ++this.lastMs;
        this.counter = 0;
      }
    } else {
      this.lastMs = ms;
      this.counter = 0;
    }
    const hex = ms.toString(16).padStart(12, "0");
    const randA = (0x7000 | this.counter).toString(16);
    const randB = this.randomHex();
    const variant = ((Number.parseInt(randB[0] ?? "0", 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${randA}-${variant}${randB.slice(1, 4)}-${randB.slice(4, 16)}`;
  }

  private randomHex(): string {
    if (this.offset === POOL_SIZE) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += RANDOM_BYTES_PER_ID;
    return this.pool.toString("hex", start, this.offset);
  }
}
