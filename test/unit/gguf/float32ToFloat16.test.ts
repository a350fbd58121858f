import { describe, expect, it } from "vitest";
import { float16ToFloat32, float32ToFloat16 } from "../../gguf/float32ToFloat16.js";

describe("float32ToFloat16", () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [65504, 0x7bff],
    [65520, 0x7c00],
    [1e10, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -26, 0x0000],
    [6.1e-5, 0x03ff],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
  ])("should convert %f to 0x%s", (value, bits) => {
    expect(float32ToFloat16(value)).toBe(bits);
  });

  it("should keep NaN a NaN", () => {
    expect(Number.isNaN(float16ToFloat32(float32ToFloat16(NaN)))).toBe(true);
  });

  it("should round-trip every finite half exactly", () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue;
      expect(float32ToFloat16(float16ToFloat32(bits))).toBe(bits);
    }
  });
});
