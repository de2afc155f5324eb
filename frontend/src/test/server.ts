// The API mocked at the network layer: tests add handlers with server.use(...).
import { setupServer } from "msw/node";

import { baseHandlers } from "./handlers";

export const server = setupServer(...baseHandlers);
