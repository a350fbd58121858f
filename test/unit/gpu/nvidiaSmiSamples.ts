// Output of `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.free --format=csv,noheader,nounits` in the
// shapes real drivers print it (memory in MiB). The totals are what each card reports.
export const H200_X1 = "0, GPU-5c0e8f3a-9c2d-4b7e-a1f3-2d4e6f8a0b1c, NVIDIA H200, 143771, 143160\n";

export const A100_40G_X8 = [
  "0, GPU-0a1b2c3d-0000-4000-8000-000000000000, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "1, GPU-0a1b2c3d-0000-4000-8000-000000000001, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "2, GPU-0a1b2c3d-0000-4000-8000-000000000002, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "3, GPU-0a1b2c3d-0000-4000-8000-000000000003, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "4, GPU-0a1b2c3d-0000-4000-8000-000000000004, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "5, GPU-0a1b2c3d-0000-4000-8000-000000000005, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "6, GPU-0a1b2c3d-0000-4000-8000-000000000006, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "7, GPU-0a1b2c3d-0000-4000-8000-000000000007, NVIDIA A100-SXM4-40GB, 40960, 40326",
  "",
].join("\n");

/** A workstation: an H100, an L4 and a consumer card; the L4 is mostly used by another process. */
export const MIXED = [
  "0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA H100 80GB HBM3, 81559, 81080",
  "1, GPU-66666666-7777-8888-9999-aaaaaaaaaaaa, NVIDIA L4, 23034, 3034",
  "2, GPU-bbbbbbbb-cccc-dddd-eeee-ffffffffffff, NVIDIA GeForce RTX 4090, 24564, 23989",
  "",
].join("\n");

/** Two A100 80GB PCIe cards, Windows line endings, one memory field the driver could not read. */
export const A100_80G_PCIE_CRLF =
  "0, GPU-aaaaaaaa-0000-4000-8000-000000000000, NVIDIA A100 80GB PCIe, 81920, 81050\r\n" +
  "1, GPU-aaaaaaaa-0000-4000-8000-000000000001, NVIDIA A100 80GB PCIe, 81920, [N/A]\r\n";

/** A driver warning printed before the rows, as nvidia-smi does for a corrupted infoROM. */
export const WITH_WARNING =
  "WARNING: infoROM is corrupted at gpu 0000:00:1E.0\n0, GPU-12345678-1234-1234-1234-123456789abc, Tesla T4, 15360, 14930\n";

export const NO_DEVICES = "No devices were found\n";
export const DRIVER_FAILURE =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";
