/**
 * Who is in each channel right now: channel -> user -> socket ids (a user with two tabs is present once, until the
 * last tab leaves). In memory: presence is about this process's live sockets.
 */
export class ChannelPresence {
  readonly #channels = new Map<string, Map<string, Set<string>>>();

  /** Returns true when this made the user newly present. */
  add(args: { channelId: string; userId: string; socketId: string }): boolean {
    let users = this.#channels.get(args.channelId);
    if (!users) this.#channels.set(args.channelId, (users = new Map()));
    let sockets = users.get(args.userId);
    const fresh = !sockets;
    if (!sockets) users.set(args.userId, (sockets = new Set()));
    sockets.add(args.socketId);
    return fresh;
  }

  /** Returns true when this made the user absent. */
  remove(args: { channelId: string; userId: string; socketId: string }): boolean {
    const users = this.#channels.get(args.channelId);
    const sockets = users?.get(args.userId);
    if (!users || !sockets) return false;
    sockets.delete(args.socketId);
    if (sockets.size > 0) return false;
    users.delete(args.userId);
    if (users.size === 0) this.#channels.delete(args.channelId);
    return true;
  }

  userIds(channelId: string): string[] {
    return [...(this.#channels.get(channelId)?.keys() ?? [])];
  }
}
