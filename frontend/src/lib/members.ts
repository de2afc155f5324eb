// Project membership (GET/POST/DELETE /projects/{slug}/members/), shared by settings and admin pages.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "./api/client";
import { projectKeys } from "./project";

export const memberKeys = {
  list: (slug: string) => [...projectKeys.one(slug), "members"] as const,
};

export function useMembers(slug: string) {
  return useQuery({
    queryKey: memberKeys.list(slug),
    queryFn: async () => {
      const data = await unwrap(api.GET("/api/v1/projects/{slug}/members/", { params: { path: { slug } } }));
      return data.members;
    },
  });
}

export function useAddMember(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) =>
      unwrap(api.POST("/api/v1/projects/{slug}/members/", { params: { path: { slug } }, body: { username } })),
    onSuccess: (data) => queryClient.setQueryData(memberKeys.list(slug), data.members),
  });
}

export function useRemoveMember(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // DELETE with a JSON body naming the user.
    mutationFn: async (username: string) => {
      await unwrap(api.DELETE("/api/v1/projects/{slug}/members/", { params: { path: { slug } }, body: { username } }));
      return username;
    },
    onSuccess: (username) => {
      queryClient.setQueryData<string[]>(memberKeys.list(slug), (members) => members?.filter((m) => m !== username));
      void queryClient.invalidateQueries({ queryKey: memberKeys.list(slug) });
    },
  });
}
