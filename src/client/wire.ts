// The server's answers, as the client receives them (snake_case, as App Services sends them).

export interface Profile {
  user_id: string;
  type: 'normal' | 'server';
  identities: { id: string; provider_type: string; provider_id: string; data: Record<string, unknown> }[];
  data: Record<string, unknown>;
  custom_data?: unknown;
  created_at: string;
  last_auth_at: string;
}

export interface ApiKey {
  _id: string;
  name: string;
  disabled: boolean;
  created_at: string;
  last_used_at?: string;
}

/** A new key: the only answer that carries its secret. */
export interface NewApiKey extends ApiKey {
  key: string;
}

/** A login or refresh answer: tokens only outside cookie mode. */
export interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in: number;
  user_id: string;
  device_id: string;
}

/** Who a login made the client: the user and its session (device) id. */
export interface LoggedIn {
  userId: string;
  deviceId: string;
}
