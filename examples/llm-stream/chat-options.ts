/** The example's settings: the token a caller must present, and the pause between tokens. */
export interface ChatOptions {
  token: string;
  delayMs: number;
}

export const CHAT_OPTIONS = Symbol('CHAT_OPTIONS');
