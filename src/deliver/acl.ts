// Windows has no mode bits: restrict a file or directory to the current user with icacls
// (inheritance removed, full control for the user only). Untested: no Windows CI.
import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";

export function restrictToUser(path: string): void {
  if (process.platform !== "win32") return;
  execFileSync("icacls", [path, "/inheritance:r", "/grant:r", `${userInfo().username}:(F)`], {
    stdio: "ignore",
    windowsHide: true,
  });
}
