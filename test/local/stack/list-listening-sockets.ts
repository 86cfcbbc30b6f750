import { readFile, readdir, readlink } from 'node:fs/promises';

export interface ListeningSocket {
  address: string;
  port: number;
  inode: string;
}

/** Every TCP socket in LISTEN state on this machine's network namespace, from /proc/net/tcp and tcp6. */
export async function listListeningSockets(): Promise<ListeningSocket[]> {
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = fields.slice(1, 4);
      if (state !== '0A' || !local) continue;
      const [hex, port] = local.split(':');
      sockets.push({
        address: decodeAddress(hex ?? ''),
        port: parseInt(port ?? '', 16),
        inode: fields[9] ?? '',
      });
    }
  }
  return sockets;
}

/** The listening sockets a process holds open, found through its file descriptors. */
export async function socketsOfProcess(
  pid: number,
  sockets: readonly ListeningSocket[],
): Promise<ListeningSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  return sockets.filter((socket) => inodes.has(socket.inode));
}

// /proc writes each 32-bit word of an address in host (little-endian) order.
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255)
    return `::ffff:${bytes.slice(12).join('.')}`;
  if (bytes.every((b) => b === 0)) return '::';
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}
