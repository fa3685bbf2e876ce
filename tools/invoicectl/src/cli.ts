import { ConfigError, type Env } from "@invoicing/service-kit/config";
import { DEAD_LETTER_STREAM } from "@invoicing/service-kit/messaging";
import { inboxPrefixOf } from "@invoicing/service-kit/messaging";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { parseArgs } from "node:util";
import { readCliConfig, type CliConfig } from "./config.js";
import { deadLetterRecord, describePayload, formatDeadLetterTable } from "./dead-letter-format.js";
import { listDeadLetters, replayDeadLetters, type ReplayOutcome } from "./dead-letters.js";

export const EXIT = {
  OK: 0,
  /** A replay failed, or NATS could not be reached or answered with an error. */
  FAILED: 1,
  /** Unknown command or option, a bad sequence, a bad NATS_URL. */
  USAGE: 2,
  /** `replay <seq>...`: none of the given sequences is a dead letter held. */
  NOTHING_MATCHED: 3,
} as const;

export const USAGE = `invoicectl: the invoice pipeline's operator tool

Usage:
  invoicectl dead-letters list [--json]
  invoicectl dead-letters replay <seq>... [--json]
  invoicectl dead-letters replay --all [--json]
  invoicectl --help

Commands:
  dead-letters list     Every message the ${DEAD_LETTER_STREAM} stream still holds: its sequence
                        there (what replay takes), when it was dead-lettered, the original
                        stream:sequence and subject, the consumer, its attempts, the payload's
                        size and ids, and the reason.
  dead-letters replay   For each dead letter: publishes the original bytes to the original
                        subject, into the original stream, with the original headers (traceparent
                        kept, Dead-Letter-* removed, "Replayed-From: ${DEAD_LETTER_STREAM}:<seq>"
                        added) under Nats-Msg-Id "replay:${DEAD_LETTER_STREAM}:<seq>"; waits for the
                        ack; only then deletes it from ${DEAD_LETTER_STREAM}. A replay repeated
                        within the stream's duplicate window is dropped by JetStream; beyond it
                        the consumers are idempotent. Fix the cause first: a replay that fails
                        again is dead-lettered again, under a new sequence.

Options:
  --all       replay every dead letter held (none held is not an error)
  --json      print JSON instead of text
  -h, --help  print this text

Environment:
  NATS_URL       NATS server URL, or a comma-separated list (default nats://127.0.0.1:4222)
  NATS_USER      the operator's NATS user (invoicectl as deployed), with NATS_PASSWORD
  NATS_PASSWORD

Exit status:
  0  done: listed, or every dead letter asked for replayed (sequences not found are
     reported, and are not an error while at least one was replayed)
  1  a replay failed (publish not acknowledged, or dead letter not deleted), or NATS
     could not be reached
  2  usage or configuration error: unknown command or option, bad sequence, bad NATS_URL
  3  replay <seq>...: none of the given sequences is a dead letter (already replayed?)
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

class UsageError extends Error {}

type Command = { kind: "help" } | { kind: "list"; json: boolean } | { kind: "replay"; json: boolean; which: number[] | "all" };

function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        json: { type: "boolean" },
        all: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const [group, action, ...rest] = positionals;
  if (group === undefined) throw new UsageError("a command is required");
  if (group !== "dead-letters") throw new UsageError(`unknown command "${group}"`);
  const json = values.json ?? false;
  if (action === "list") {
    if (rest.length > 0 || values.all) throw new UsageError("dead-letters list takes no arguments but --json");
    return { kind: "list", json };
  }
  if (action === "replay") {
    if (values.all) {
      if (rest.length > 0) throw new UsageError("give either sequences or --all, not both");
      return { kind: "replay", json, which: "all" };
    }
    if (rest.length === 0) throw new UsageError("dead-letters replay needs one or more sequences, or --all");
    const which = rest.map((arg) => {
      if (!/^[1-9]\d{0,15}$/.test(arg)) throw new UsageError(`"${arg}" is not a ${DEAD_LETTER_STREAM} sequence (a positive whole number)`);
      return Number(arg);
    });
    return { kind: "replay", json, which };
  }
  throw new UsageError(action === undefined ? "dead-letters needs list or replay" : `unknown dead-letters command "${action}"`);
}

/** Runs one invocation and returns its exit status (see USAGE). */
export async function runCli(argv: readonly string[], env: Env = process.env, io: CliIo = processIo): Promise<number> {
  let command: Command;
  let config: CliConfig;
  try {
    command = parseCommand(argv);
    if (command.kind === "help") {
      io.stdout(USAGE);
      return EXIT.OK;
    }
    config = readCliConfig(env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`invoicectl: ${error.message}\nRun "invoicectl --help" for usage.\n`);
      return EXIT.USAGE;
    }
    if (error instanceof ConfigError) {
      io.stderr(`invoicectl: ${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  }

  let nc: NatsConnection;
  try {
    const { natsServers: servers, natsCredentials: credentials } = config;
    nc = await connect({
      servers,
      name: "invoicectl",
      timeout: 5_000,
      inboxPrefix: inboxPrefixOf("invoicectl"),
      ...(credentials ? { user: credentials.user, pass: credentials.password } : {}),
    });
  } catch (error) {
    io.stderr(`invoicectl: cannot connect to NATS at ${config.natsServers.join(",")} (NATS_URL, NATS_USER): ${message(error)}\n`);
    return EXIT.FAILED;
  }
  try {
    return command.kind === "list" ? await list(nc, command.json, io) : await replay(nc, command.which, command.json, io);
  } catch (error) {
    io.stderr(`invoicectl: ${message(error)}\n`);
    return EXIT.FAILED;
  } finally {
    await nc.close();
  }
}

async function list(nc: NatsConnection, json: boolean, io: CliIo): Promise<number> {
  const letters = await listDeadLetters(nc);
  io.stdout(json ? `${JSON.stringify(letters.map(deadLetterRecord), null, 2)}\n` : formatDeadLetterTable(letters));
  return EXIT.OK;
}

async function replay(nc: NatsConnection, which: number[] | "all", json: boolean, io: CliIo): Promise<number> {
  const outcomes = await replayDeadLetters(nc, which, (outcome) => {
    if (!json) report(outcome, io);
  });
  const count = (status: ReplayOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  const replayed = count("replayed");
  const failed = count("failed");
  const notFound = outcomes.length - replayed - failed;
  if (json) {
    io.stdout(`${JSON.stringify(outcomes.map(outcomeRecord), null, 2)}\n`);
  } else if (which === "all" && outcomes.length === 0) {
    io.stdout(`no dead letters in ${DEAD_LETTER_STREAM}: nothing to replay\n`);
  } else {
    io.stdout(
      `replayed ${replayed} of ${outcomes.length} dead letter${outcomes.length === 1 ? "" : "s"} (${notFound} not found, ${failed} failed)\n`,
    );
  }
  if (failed > 0) return EXIT.FAILED;
  if (which !== "all" && replayed === 0) return EXIT.NOTHING_MATCHED;
  return EXIT.OK;
}

function report(outcome: ReplayOutcome, io: CliIo) {
  const ref = `${DEAD_LETTER_STREAM}:${outcome.seq}`;
  switch (outcome.status) {
    case "replayed": {
      const { letter, ack } = outcome;
      const where = ack.duplicate ? `already in ${ack.stream} from an earlier replay, not added again` : `now ${ack.stream}:${ack.seq}`;
      io.stdout(
        `replayed ${ref} -> ${letter.subject} (${where}; ${describePayload(letter)}; consumer ${letter.consumer}); dead letter deleted\n`,
      );
      break;
    }
    case "missing":
      io.stderr(`not found ${ref}: no such dead letter (already replayed, or never there)\n`);
      break;
    case "not a dead letter":
      io.stderr(`skipped ${ref}: not a dead letter (no Dead-Letter-Subject/-Stream headers), left in place\n`);
      break;
    case "failed":
      io.stderr(`FAILED ${ref}: ${outcome.error}; the dead letter is kept\n`);
      break;
  }
}

function outcomeRecord(outcome: ReplayOutcome) {
  switch (outcome.status) {
    case "replayed":
      return {
        seq: outcome.seq,
        status: outcome.status,
        subject: outcome.letter.subject,
        stream: outcome.ack.stream,
        streamSeq: outcome.ack.seq,
        duplicate: outcome.ack.duplicate,
      };
    case "failed":
      return { seq: outcome.seq, status: outcome.status, error: outcome.error };
    default:
      return { seq: outcome.seq, status: outcome.status };
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
