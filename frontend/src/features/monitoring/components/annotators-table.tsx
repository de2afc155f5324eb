// Automation-bias indicators per annotator (AI Act Art. 14(4)(b)): how often each person takes the model's
// answer as is, above all when even the model doubts it, and how fast they answer.
import { ErrorMessage, Loading } from "@/components/ui";

import { useAnnotatorIndicators } from "../api";
import { formatNumber, percent } from "../format";

export function AnnotatorsTable({ slug, days }: { slug: string; days: number | null }) {
  const { data, error, isPending } = useAnnotatorIndicators(slug, days);
  return (
    <section className="card" aria-labelledby="annotators-title">
      <h2 id="annotators-title">Annotators</h2>
      <p className="small muted">
        Accepting what even the model doubts (confidence below 0.5) is the clearest sign of rubber-stamping. The median time is
        from the prediction to the answer: an upper bound on the time spent.
      </p>
      {isPending ? (
        <Loading label="Loading the indicators…" />
      ) : error ? (
        <ErrorMessage error={error} />
      ) : data.annotators.length === 0 ? (
        <p className="muted">Nobody answered in the window.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden-inline">Indicators per annotator</caption>
            <thead>
              <tr>
                <th scope="col">Annotator</th>
                <th scope="col" className="num">Answers</th>
                <th scope="col" className="num">Accept rate</th>
                <th scope="col" className="num">Correction rate</th>
                <th scope="col" className="num">Accepts when the model doubts</th>
                <th scope="col" className="num">Median time</th>
              </tr>
            </thead>
            <tbody>
              {data.annotators.map((row) => (
                <tr key={row.annotator}>
                  <th scope="row">{row.annotator}</th>
                  <td className="num">{formatNumber(row.answers)}</td>
                  <td className="num">{percent(row.accept_rate)}</td>
                  <td className="num">{percent(row.correction_rate)}</td>
                  <td className="num">
                    {percent(row.uncertain_accept_rate)}
                    <span className="small muted"> of {formatNumber(row.uncertain_answers)}</span>
                  </td>
                  <td className="num">{row.median_seconds == null ? "–" : `${formatNumber(Math.round(row.median_seconds))} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
