// `secr-run serve`: placeholder until the local server lands.
export async function main(_args: string[]): Promise<number> {
  process.stderr.write("secr-run: serve is not implemented yet\n");
  return 64;
}
