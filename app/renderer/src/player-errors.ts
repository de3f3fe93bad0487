/**
 * Turns what the MPEG-TS player reports into sentences for the person at the console.
 * The strings mpegts.js uses are matched by value so this stays pure and testable.
 */
import type { ApiError } from '../../shared/types.ts';

export interface PlayerProblem {
  /** One sentence, starting with the channel: "Channel 3 is off the air: …". */
  message: string;
  /** A short technical code shown beside the message, e.g. "HTTP 404". */
  code?: string;
  /** What the person can do, if anything beyond "Retry". */
  hint?: string;
  /** Whether trying again may help (false for e.g. a browser that cannot decode the stream). */
  retryable: boolean;
}

export interface PlaybackSupport {
  ok: boolean;
  reason?: string;
}

/** Whether this browser can play the station's H.264 + AAC MPEG-TS through Media Source Extensions. */
export function checkPlaybackSupport(env: { MediaSource?: { isTypeSupported(type: string): boolean } }): PlaybackSupport {
  const ms = env.MediaSource;
  if (!ms || typeof ms.isTypeSupported !== 'function') {
    return { ok: false, reason: 'this browser has no Media Source Extensions (MSE), which live previews need.' };
  }
  if (!ms.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"')) {
    return { ok: false, reason: 'this browser cannot decode H.264 video with AAC audio through Media Source Extensions.' };
  }
  return { ok: true };
}

function httpReason(status: number): string {
  switch (status) {
    case 404:
      return 'the station has no live stream for it right now';
    case 409:
    case 423:
      return 'the channel is not accepting viewers at the moment';
    case 429:
    case 503:
      return 'the station cannot start the stream right now';
    default:
      return status >= 500 ? 'the station failed while starting the stream' : 'the station refused the stream';
  }
}

/** A station sentence ("There is no channel 7.") as a clause after a colon ("there is no channel 7"). */
export function asClause(sentence: string): string {
  const trimmed = sentence.trim().replace(/[.!]+$/, '');
  // Lower-case a leading capital unless it starts an acronym or a name like "RetroVue".
  return /^[A-Z][a-z]/.test(trimmed) && !/^[A-Z][a-z]+[A-Z]/.test(trimmed) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}

/**
 * Describe a player error. `serverError` is the station's own ApiError body for an HTTP
 * failure when the console could read it; it is the most specific explanation available.
 */
export function describePlayerError(
  channelNumber: number,
  type: string,
  detail: string,
  info: { code?: number; msg?: string } | undefined,
  serverError?: ApiError | null,
): PlayerProblem {
  const ch = `Channel ${channelNumber}`;
  if (type === 'NetworkError') {
    if (detail === 'HttpStatusCodeInvalid') {
      const status = info?.code ?? 0;
      const why = serverError?.error ? asClause(serverError.error) : httpReason(status);
      return { message: `${ch} is off the air: ${why}.`, code: status ? `HTTP ${status}` : undefined, hint: serverError?.hint, retryable: true };
    }
    if (detail === 'ConnectingTimeout') {
      return { message: `${ch} is off the air: the station did not start sending the stream in time.`, retryable: true };
    }
    if (detail === 'UnrecoverableEarlyEof') {
      return { message: `${ch} went off the air: the station stopped sending the stream.`, retryable: true };
    }
    return {
      message: `${ch} is off the air: the console lost its connection to the station${info?.msg ? ` (${info.msg})` : ''}.`,
      retryable: true,
    };
  }
  if (type === 'MediaError') {
    if (detail === 'MediaCodecUnsupported' || detail === 'MediaFormatUnsupported') {
      return {
        message: `${ch} cannot be previewed: this console cannot decode what the channel sends${info?.msg ? ` (${info.msg})` : ''}.`,
        retryable: false,
      };
    }
    return {
      message: `${ch} preview broke down: the stream could not be decoded${info?.msg ? ` (${info.msg})` : ''}.`,
      hint: 'A restart of the channel usually clears this.',
      retryable: true,
    };
  }
  return { message: `${ch} preview failed: ${info?.msg || detail || 'unknown player error'}.`, retryable: true };
}

/** The stream ended on its own: a live channel should never do that. */
export function describeStreamEnded(channelNumber: number): PlayerProblem {
  return { message: `Channel ${channelNumber} went off the air: the stream ended.`, retryable: true };
}

/** No new pictures for a while although the connection is open. */
export function describeStall(channelNumber: number, seconds: number): PlayerProblem {
  return { message: `Channel ${channelNumber} has no picture: nothing new arrived for ${seconds} seconds.`, retryable: true };
}
