// The logged-in user, from the session cookie (GET /auth/me/); login and logout keep it current.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api/client";
import { ApiError } from "@/lib/api/errors";

import { can, type Permission } from "./roles";

export type Me = { username: string; roles: string[]; is_staff: boolean; is_superuser: boolean };

export const meKey = ["auth", "me"] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    return (await unwrap(api.GET("/api/v1/auth/me/"))) as Me;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

/** The current user's check for one permission; false while loading or logged out. */
export function useCan(permission: Permission): boolean {
  const { data } = useMe();
  return data ? can(data.roles, permission) : false;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: { username: string; password: string }) => {
      // The CSRF cookie is set by GET /auth/me/; make sure we have it before the POST.
      if (!document.cookie.includes("csrftoken=")) await fetchMe();
      return (await unwrap(api.POST("/api/v1/auth/login/", { body }))) as Me;
    },
    onSuccess: (me) => {
      queryClient.clear();
      queryClient.setQueryData(meKey, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/logout/")),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(meKey, null);
    },
  });
}
