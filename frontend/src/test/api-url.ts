/** An absolute API URL for MSW handlers, matching the client's base. */
export const apiUrl = (path: string) => `${window.location.origin}/api/v1${path}`;
