export { Badge, StatusBadge } from "./badge";
export { Button } from "./button";
export { ConfirmDialog } from "./confirm-dialog";
export { ErrorMessage } from "./error-message";
export { Loading } from "./loading";
export { Page } from "./page";
export { Pager } from "./pager";
export { ProgressBar } from "./progress-bar";
