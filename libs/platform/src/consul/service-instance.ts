/** One passing instance of a service, as Consul's health API reports it. */
export interface ServiceInstance {
  id: string;
  address: string;
  port: number;
  meta: Record<string, string>;
}
