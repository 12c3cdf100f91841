// What a bound listener is, as the admin API and the logs report it.
export interface ListenerInfo {
  protocol: 'smtp' | 'submission' | 'pop3' | 'imap';
  address: string;
  port: number;
  tls: 'starttls' | 'none';
}
