import { configure, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { apiUrl } from "@/test/api-url";
import { textProject, users } from "@/test/fixtures";
import { sessionHandlers } from "@/test/handlers";
import { renderAt } from "@/test/render";
import { server } from "@/test/server";

import { fakeQueue, textEntry } from "./test/fake-queue";

configure({ asyncUtilTimeout: 3000 });

describe("contest a prediction from the queue (GDPR Art. 21, 22(3))", () => {
  it("files a contest with the required reason for the prediction on screen, without answering it", async () => {
    const fake = fakeQueue([textEntry(1), textEntry(2, { contested: true })]);
    const contested: { id: string; body: unknown }[] = [];
    server.use(
      ...sessionHandlers(users.annotator, [textProject]),
      ...fake.handlers,
      http.post(apiUrl("/predictions/:id/contest/"), async ({ params, request }) => {
        contested.push({ id: String(params.id), body: await request.json() });
        return HttpResponse.json({ id: 7, prediction_id: Number(params.id), status: "open" }, { status: 201 });
      }),
    );
    const { user } = renderAt("/projects/demo-text/queue");

    await user.click(await screen.findByRole("button", { name: "Contest this prediction…" }));
    const dialog = screen.getByRole("dialog", { name: "Contest this prediction?" });
    expect(within(dialog).getByRole("button", { name: "Contest" })).toBeDisabled();
    // Typing the reason triggers no queue shortcut (A would accept).
    await user.type(within(dialog).getByLabelText(/Reason/), "A person asked for a human decision");
    await user.click(within(dialog).getByRole("button", { name: "Contest" }));

    await waitFor(() => expect(contested).toEqual([{ id: "101", body: { reason: "A person asked for a human decision" } }]));
    expect(await screen.findByText(/Contest #7 filed/)).toBeInTheDocument();
    expect(fake.state.posted).toEqual([]);

    // The next item is already contested: its badge says so and there is nothing more to file.
    await user.keyboard("s");
    expect(await screen.findByTestId("contested")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Contest this prediction…" })).not.toBeInTheDocument();
  });
});
