import type { Socket } from 'socket.io-client';
import type { Message } from '../domain/model';

/**
 * A minimal model of how a client keeps a channel's message list complete and in order across reconnects:
 * messages are kept by sequence number (so duplicates collapse), and after a reconnect that socket.io could not
 * recover, the gap is filled from `GET .../messages?after=<last seq>` and the room joined again.
 */
export class ChannelFollower {
  readonly messages = new Map<number, Message>();
  /** Every message:new delivery, including duplicates, to assert that none happen. */
  readonly deliveries: number[] = [];
  recoveredConnects = 0;
  freshConnects = 0;
  #lastSeq = 0;

  constructor(
    readonly socket: Socket,
    readonly args: { baseUrl: string; token: string; workspaceId: string; channelId: string },
  ) {
    socket.on('message:new', (message: Message) => {
      if (message.channelId !== args.channelId) return;
      this.deliveries.push(message.seq);
      this.#store([message]);
    });
    socket.on('connect', () => {
      if (socket.recovered) {
        this.recoveredConnects += 1;
        return;
      }
      this.freshConnects += 1;
      void this.#resync();
    });
  }

  /** Joins the room, then loads anything after the last known seq. */
  async start(): Promise<void> {
    await this.#join();
    await this.catchUp();
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Ordered sequence numbers held. */
  seqs(): number[] {
    return [...this.messages.keys()].sort((a, b) => a - b);
  }

  async catchUp(): Promise<void> {
    for (;;) {
      const response = await fetch(
        `${this.args.baseUrl}/api/workspaces/${this.args.workspaceId}/channels/${this.args.channelId}/messages?after=${this.#lastSeq}&limit=200`,
        { headers: { authorization: `Bearer ${this.args.token}` } },
      );
      if (!response.ok) throw new Error(`catch-up failed: ${response.status}`);
      const body = (await response.json()) as { messages: Message[]; hasMore: boolean };
      this.#store(body.messages);
      if (!body.hasMore) return;
    }
  }

  async #join(): Promise<void> {
    const ack = await this.socket
      .timeout(5000)
      .emitWithAck('channel:join', { workspaceId: this.args.workspaceId, channelId: this.args.channelId });
    if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack.error)}`);
  }

  async #resync(): Promise<void> {
    await this.#join();
    await this.catchUp();
  }

  #store(messages: Message[]): void {
    for (const message of messages) {
      this.messages.set(message.seq, message);
      // lastSeq only advances over a contiguous prefix, so a gap is always refetched.
      while (this.messages.has(this.#lastSeq + 1)) this.#lastSeq += 1;
    }
  }
}
