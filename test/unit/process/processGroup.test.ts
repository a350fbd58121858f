import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { groupMembers, isGroupAlive, isPidAlive, stopGroup } from "../../../src/process/processGroup.js";
import { waitFor } from "../../helpers/controllerHarness.js";

describe("stopGroup", () => {
  it("should stop a process group's leader and the children it forked", async () => {
    // The leader traps SIGTERM and ignores it; its background child would survive a kill of the leader alone.
    const leader = spawn("sh", ["-c", "trap '' TERM; sleep 300 & wait"], { detached: true, stdio: "ignore" });
    const pgid = leader.pid!;
    const members = await waitFor("two group members", () => (groupMembers(pgid).length >= 2 ? groupMembers(pgid) : undefined), 5_000);
    const result = await stopGroup(pgid, 300);
    expect(result).toEqual({ graceful: false, killed: true, gone: true });
    expect(isGroupAlive(pgid)).toBe(false);
    for (const pid of members) expect(isPidAlive(pid)).toBe(false);
  });

  it("should report a group that exits on SIGTERM as graceful", async () => {
    const leader = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    await waitFor("alive", () => isGroupAlive(leader.pid!), 5_000);
    expect(await stopGroup(leader.pid!, 2_000)).toEqual({ graceful: true, killed: false, gone: true });
  });

  it("should treat a missing group as already gone", async () => {
    expect(await stopGroup(2 ** 22 + 12345, 100)).toEqual({ graceful: true, killed: false, gone: true });
    expect(isPidAlive(-1)).toBe(false);
  });
});
