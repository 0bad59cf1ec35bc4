// An integrator's TypeScript client of the API: openapi-fetch over the types openapi-typescript
// generates from /api/schema/ (into ./generated/api.d.ts; see tests/api/test_generated_client.py).
// Only type-checked (tsc --noEmit): each @ts-expect-error line must stay an error, or tsc fails.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
type CaseDetail = Schemas["CaseDetail"];
type ApiError = Schemas["Error"];

const api = createClient<paths>({ baseUrl: "https://提案.example.gov.cn" });

function fail(status: number, error: ApiError): never {
  throw new Error(`${status} ${error.code}: ${error.detail}`);
}

export async function login(username: string, password: string, otp?: string): Promise<string> {
  const { data, error, response } = await api.POST("/api/auth/token/", { body: { username, password, otp } });
  if (error) fail(response.status, error);
  const expiry: string = data.expiry;
  return data.token;
}

function auth(token: string) {
  return { Authorization: `Token ${token}` };
}

export async function draft(token: string, category: number, cosigner: number): Promise<CaseDetail> {
  const { data, error, response } = await api.POST("/api/cases/", {
    headers: auth(token),
    body: { title: "关于加快车站棚户区改造的提案", facts: "房屋老旧。", suggestions: "分期实施。", category, cosigners: [cosigner] },
  });
  if (error) fail(response.status, error);
  const status: Schemas["CaseStatusEnum"] = data.status ?? "draft";
  return data;
}

export async function file(token: string, id: number): Promise<number | null | undefined> {
  const { data, error, response } = await api.POST("/api/cases/{id}/actions/file/", {
    headers: auth(token), params: { path: { id } },
  });
  if (error) fail(response.status, error);
  return data.number;
}

export async function assign(token: string, id: number, unit: number): Promise<CaseDetail> {
  const { data, error, response } = await api.POST("/api/cases/{id}/actions/assign/", {
    headers: auth(token), params: { path: { id } }, body: { units: [{ unit, role: "lead" }] },
  });
  if (error) fail(response.status, error);
  return data;
}

export async function signAndReply(token: string, id: number): Promise<void> {
  const rows = await api.GET("/api/cases/{id}/assignments/", { headers: auth(token), params: { path: { id } } });
  if (rows.error) fail(rows.response.status, rows.error);
  const assignment = rows.data[0].id;
  await api.POST("/api/cases/{id}/actions/sign/", { headers: auth(token), params: { path: { id } }, body: { assignment } });
  await api.POST("/api/cases/{id}/actions/log_contact/", {
    headers: auth(token), params: { path: { id } },
    body: { assignment, way: "visit", point: "intake", date: "2026-03-02", people: "张委员", summary: "上门面商", face_to_face: true },
  });
  await api.POST("/api/cases/{id}/actions/reply/", {
    headers: auth(token), params: { path: { id } },
    body: { assignment, reply_class: "A", letter: "已解决。", signer: "赵局长", contact_person: "钱科长", contact_phone: "0917-6212345" },
  });
}

export async function rate(token: string, id: number, assignment: number): Promise<void> {
  const { error, response } = await api.POST("/api/cases/{id}/actions/rate/", {
    headers: auth(token), params: { path: { id } },
    body: { assignment, reply_rating: "satisfied", contact_rating: "basic" },
  });
  if (error) fail(response.status, error);
}

export async function closedCases(token: string): Promise<Schemas["CaseList"][]> {
  const { data, error, response } = await api.GET("/api/cases/", {
    headers: auth(token), params: { query: { status: ["closed"], ordering: "-number" } },
  });
  if (error) fail(response.status, error);
  return data.results;
}

// The generated types refuse what the API would refuse.
export async function wrong(token: string, id: number) {
  // @ts-expect-error — a rating outside 满意/基本满意/不满意
  await api.POST("/api/cases/{id}/actions/rate/", { params: { path: { id } }, body: { assignment: 1, reply_rating: "great", contact_rating: "basic" } });
  // @ts-expect-error — a unit-level action needs its assignment
  await api.POST("/api/cases/{id}/actions/sign/", { params: { path: { id } }, body: {} });
  // @ts-expect-error — no such action
  await api.POST("/api/cases/{id}/actions/teleport/", { params: { path: { id } } });
  // @ts-expect-error — no such case state
  await api.GET("/api/cases/", { params: { query: { status: ["lost"] } } });
  const { data } = await api.POST("/api/cases/{id}/actions/close/", { headers: auth(token), params: { path: { id } } });
  // @ts-expect-error — the answer may be an error: data is possibly undefined
  const closedAt: string | null | undefined = data.closed_at;
}
