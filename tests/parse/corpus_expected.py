"""Expected action items of the real postmortems in ../shared/postmortems/real/.

Checked by reading each document (see docs/parser.md for the reading rules). One entry a file:
(snippet from the start of the item text, status, owner, tracker ref); None where the document
says nothing. A note explains each judgement call.
"""

from __future__ import annotations

Expected = tuple[str, str | None, str | None, str | None]

EXPECTED: dict[str, tuple[Expected, ...]] = {
    "001-dastergon-srebook-template.md": (),
    "002-dastergon-google-api-infra-template.md": (),
    "003-dastergon-kehoe-template.md": (),
    "004-sawasthi1991-shakespeare-example.md": (
        ("Update playbook with instructions for responding", None, "jennifer", None),
        ("Use flux capacitor to balance load", None, "martym", None),
        ("Schedule cascading failure test during next", None, "docbrown", None),
        ("Investigate running index MR/fusion continuously", None, "jennifer", None),
        ("Plug file descriptor leak in search", None, "agoogler", None),
        ("Add load shedding capabilities to Shakespeare", None, "agoogler", None),
        ("Build regression tests to ensure servers", None, "clarac", None),
        ("Deploy updated search ranking subsystem to", None, "jennifer", None),
        ("Freeze production until 2015-11-20 due to", None, "docbrown", None),
    ),
    "005-thatkookooguy-postmortem-001.md": (),
    "006-etcd-v3.5-data-inconsistency.md": (
        (
            "etcd testing can reproduce historical data",
            "done",
            None,
            "https://github.com/etcd-io/etcd/issues/14045",
        ),
        (
            "etcd detects data corruption by default",
            "done",
            None,
            "https://github.com/etcd-io/etcd/issues/14039",
        ),
        (
            "etcd testing is high quality, easy",
            None,
            None,
            "https://github.com/etcd-io/etcd/issues/13637",
        ),
        ("etcd apply code should be easy", None, None, None),
        (
            "Critical etcd features are not abandoned",
            "done",
            None,
            "https://github.com/etcd-io/etcd/issues/13775",
        ),
        (
            "etcd is continuously qualified with failure",
            "done",
            None,
            "https://github.com/etcd-io/etcd/pull/14911",
        ),
        ("etcd can reliably detect data corruption", None, None, None),
        (
            "etcd checks consistency of snapshots sent",
            "done",
            None,
            "https://github.com/etcd-io/etcd/issues/13973",
        ),
        ("etcd recovery from data inconsistency procedures", None, None, None),
        (
            "etcd can imminently detect and recover",
            None,
            None,
            "https://github.com/etcd-io/etcd/issues/13839",
        ),
    ),
    "007-k8s-prow-2019-05-30.md": (
        ("Create and/or fix monitoring so that", None, None, "#12829"),
        ("Establish a process and guidelines for", None, None, None),
    ),
    "008-k8s-prow-2019-01-23.md": (
        ("We should consider using a versioned API", None, None, None),
        ("We should have alerting on config", None, None, None),
    ),
    "009-gitlab-db-outage-2017-01-31.md": (
        ("Update PS1 across all hosts to", None, None, "#1094"),
        ("Prometheus monitoring for backups", None, None, "#1095"),
        ("Set PostgreSQL's max_connections to a sane value", None, None, "#1096"),
        ("Investigate Point in time recovery", None, None, "#1097"),
        ("Hourly LVM snapshots of the production databases", None, None, "#1098"),
        ("Azure disk snapshots of production databases", None, None, "#1099"),
        ("Move staging to the ARM environment", None, None, "#1100"),
        ("Recover production replica(s)", None, None, "#1101"),
        ("Automated testing of recovering PostgreSQL database backups", None, None, "#1102"),
        ("Improve PostgreSQL replication documentation/runbooks", None, None, "#1103"),
        ("Investigate pgbarman for creating PostgreSQL backups", None, None, "#1105"),
        ("Investigate using WAL-E as a means", None, None, "#494"),
        (
            "Build Streaming Database Restore",
            None,
            None,
            "https://gitlab.com/gitlab-com/infrastructure/issues/1152",
        ),
        ("Bundle pgpool-II 3.6.1", None, None, "!1251"),
        ("Connection pooling/load balancing for PostgreSQL", None, None, "#259"),
    ),
    "010-rust-ci-outage-2026-07-02.md": (
        ("Switch armhf-gnu to download kernel archive", None, None, None),
        ("Switch armhf-gnu to download busybox/ubuntu rootfs", None, None, None),
        ("Switch dist-* crosstool-ng configuration to use", None, None, None),
        ("Adjust dist-* crosstool-ng .defconfig configurations", None, None, None),
        ("(Longer-term) Gradually mirror other artifacts used", None, None, None),
        ("Establish infra team policy for rust-lang/rust", None, None, None),
        ("(Longer-term) Switch rust-lang/rust images to allow-list", None, None, None),
    ),
    "011-dfds-pm2019-009-ip-starvation.md": (
        ("Make sure all deployed resources have", None, None, None),
        ("Separate Kubernetes node autoscaling groups per", None, None, None),
        ("Implement priority-classes for critical workloads", None, None, None),
        ("Consider separate prioritization of SRE tasks", None, None, None),
    ),
    "012-dfds-pm2021-001-logs-cwl.md": (
        ("Setup alerts for when logs are", None, None, None),
        ("Discuss the feasibility of using GitOps", None, None, None),
        ("Discuss modularity of our infrastructure-modules Terraform", None, None, None),
    ),
    "013-dfds-pm2022-009-bad-eks-ami.md": (
        ("Improve coverage of readiness/liveness probes", None, None, None),
        ("Modify infrastructure-modules to allow specifying a", None, None, None),
        ("Schedule a discussion about whether we", None, None, None),
        ("Implement alerting to catch abnormal NodeNotReady", None, None, None),
        ("Create a learning path for Kubernetes", None, None, None),
        ("Collect logs from nodes centrally", None, None, None),
        ("Create a Prometheus exporter that retrieves", None, None, None),
    ),
    "014-dfds-pm2023-001-total-node-failure.md": (
        ("Document rollover process. Especially what", None, None, None),
        ("Investigate options for improving rollover process", None, None, None),
        ("Add coverage for fluentd to QA", None, None, None),
        ("Add alarms for fluentd in case", None, None, None),
        ("Implement staging environment", None, None, None),
        ("Implement guards against invalid container runtime", "done", None, None),
    ),
    "015-dfds-pm2024-002-pods-ami-update.md": (
        ("We tweaked/adjusted the internal Registry pull", None, None, None),
        ("We've advised the Teams to adjust", None, None, None),
    ),
    "016-dfds-template.md": (),
    "017-mybinder-2017-09-27-hub-403.md": (
        (
            "Handle errors on launching servers on",
            None,
            None,
            "https://github.com/jupyterhub/binderhub/issues/131",
        ),
        (
            "Write end-to-end tests that help validate",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/10",
        ),
        (
            "Write down the responsibilities of the",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/11",
        ),
        (
            "Do deployments more often so we",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/8",
        ),
        (
            "Consider figuring out an easy way",
            None,
            None,
            "https://github.com/jupyterhub/binderhub/issues/137",
        ),
    ),
    "018-mybinder-2018-03-26-no-space-left.md": (
        ('Add log metric for "no space left', "done", None, None),
        ('Add log metric for "Error creating user"', "done", None, None),
        ('Add metrics-based alert for "Error creating', "done", None, None),
        (
            "Enable SMTP for alerts from grafana",
            "open",
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/365",
        ),
        ('Investigate root cause of "no space', "open", None, None),
        ("Systematically cordon and cull nodes older", "open", None, None),
    ),
    "019-mybinder-2018-03-13-pvc-hub-locked.md": (
        ("Why did this outage start in", None, None, None),
        ("Make sure we have a non-stackdriver alerting service", None, None, "#365"),
        ("Document how to check if a PVC", None, None, None),
        ("Document how to manually restart a node", None, None, None),
        ("Document how to delete pods that have", None, None, "#512"),
        ("Store the prometheus data somewhere more stable", None, None, None),
    ),
    "020-mybinder-2020-07-09-scipy-launches.md": (
        (
            "Something about how to notice whether we're hitting GKE",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/1533",
        ),
        (
            "Consider dedicated nodes or cluster for large events",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/1526",
        ),
        (
            'Include a "tips and recommendations" step to',
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/1525",
        ),
        ("Something about recommending to others not to", None, None, None),
        ("Something about spreading out Binder clicks", None, None, None),
        (
            "increase the number of placeholder pods",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/pull/1492",
        ),
        (
            "decrease launch timeout to 5 minutes",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/1528",
        ),
        (
            "We should investigate resource allocations to builds",
            None,
            None,
            "https://github.com/jupyterhub/mybinder.org-deploy/issues/1529",
        ),
        ("Use in-progress metrics", "done", None, None),
        ("Implement a quota on prod so that", None, None, None),
    ),
    "021-coguk-2021-03-05-blank-biosample.md": (
        ("Patch Majora such that the api.artifact.biosample.update endpoint", "done", None, None),
        ("Write a Majora unit test that calls", "done", None, None),
        ("Check the collection_date, received_date and adm1 fields", "done", None, None),
        ("Remove bad PublishedArtifactGroup from Majora", "done", None, None),
        ("Suggest that someone at COG or PHA", "open", None, None),
        ("Suggest COG or PHA assign a business", "open", None, None),
    ),
    "022-coguk-2022-04-20-foel-listener.md": (
        ("Implement automated SQS queue monitoring", "done", None, None),
        ("Add a systemd service triggered on", "done", None, None),
        ("Re-submit the SQS messages for the", "open", None, None),
    ),
    "023-2i2c-2023-02-01-daskhub-evictions.md": (
        ("#2127", None, None, "#2127"),
        ("#2213", None, None, "#2213"),
        ("#2209", None, None, "#2209"),
        ("#2324", None, None, "#2324"),
        ("#2366", None, None, "#2366"),
    ),
    "024-2i2c-2025-08-12-leap-outage.md": (
        ("Write an incident report", "open", None, None),
        ("Write a small document for incident response", "open", None, None),
        (
            "Upgrade jupyterhub-home-nfs, and remove nfs-share-creator job",
            "open",
            None,
            "https://github.com/2i2c-org/jupyterhub-home-nfs/pull/34",
        ),
        (
            "Update deployer system to add opt-in hardening",
            "done",
            None,
            "https://github.com/2i2c-org/infrastructure/pull/6555",
        ),
        ("Update primary engineer's shell configuration", "done", None, None),
    ),
    # No measures section (only Summary, Impact on users, Important information); zero items.
    "025-2i2c-2023-01-23-ingress-nginx.md": (),
    "026-univaf-2021-06-28-external-id-migration.md": (
        ("Add integration tests that exercise common", None, None, None),
        ("More carefully test and review code", None, None, None),
        ("More closely monitor for errors after", None, None, None),
        ("Lower cutoffs in Sentry for API", None, None, None),
    ),
    "027-univaf-2021-06-29-actions-budget.md": (
        ("Work with USDR ops team to fund", None, None, None),
        ("Document how to build manually", None, None, "#294"),
        ("Document how to reset Terraform Cloud state", None, None, "#295"),
        ("Articulate a process for planning and handling", None, None, "#296"),
    ),
    "028-univaf-2022-04-15-external-ids.md": (
        ("Drop the id column and use", None, None, None),
        ("Use a more complex, non-atomic INSERT", None, None, None),
        ("Get all the current external IDs", None, None, None),
    ),
    "029-learningequality-002-cloudflare.md": (
        ("Avoid using toplevel wildcards on the DNS", None, None, None),
        ("Check every subdomain we have and make", None, None, None),
        ("Use an uptime service to monitor", None, None, None),
    ),
    "030-learningequality-004-sushibar-cert.md": (
        ("Set up alerting to warn us", None, None, None),
        ("sushibar’s instance should be hosted on", None, None, None),
        ("Content pipeline team should be able to", None, None, None),
    ),
    "031-portswigger-2024-10-saas-outage.md": (
        ("Changes have been made to the Karpenter", None, None, None),
        ("Bottlerocket release ATOM feed has been added", None, None, None),
        ("A public status page will be", None, None, None),
    ),
    "032-portswigger-2025-10-cloud-provider.md": (
        ("Evaluate use of a pull-through cache", None, None, None),
    ),
    "033-portswigger-2026-03-script-injection.md": (
        ("Rotate all secrets that were exposed", None, None, None),
        ("Audit all other PortSwigger GitHub Actions workflows", None, None, None),
        ("Establish a policy that workflows processing", None, None, None),
        ("Add safer-runner-action or equivalent runner hardening", None, None, None),
        ("Pin all GitHub Actions to commit", None, None, None),
        ("Review GitHub App permissions to ensure", None, None, None),
        ("Implement workflow-level secret access reviews", None, None, None),
    ),
    "034-redbrick-mar16.md": (),
    "035-redbrick-template.md": (
        ("What should be done to avoid", None, "LDAP", "#123"),
        ("What should be added to stop", None, "LDAP", "#456"),
    ),
    "036-alx-evelynewaters.md": (
        ("Setup a continuous integration pipeline to", None, None, None),
        ("Setup a monitoring system for the", None, None, None),
        ("Develop tests that need to be", None, None, None),
    ),
    "037-alx-obed101.md": (
        ("The firewall configuration", None, None, None),
        ("Burden on the firewall will be", None, None, None),
    ),
    "038-alx-joeeazy.md": (
        ("Optimize cache eviction policies", None, None, None),
        ("Evaluate and scale cache infrastructure", None, None, None),
        ("Enhance monitoring and alert mechanisms", None, None, None),
        ("Conduct regular load testing and capacity", None, None, None),
        ("Refine incident response procedures", None, None, None),
        ("Patch cache eviction policies to prioritize", None, None, None),
        ("Assess scalability of cache infrastructure and", None, None, None),
        ("Deploy comprehensive monitoring covering cache utilization", None, None, None),
        ("Perform regular load testing to validate", None, None, None),
        ("Review and update incident response procedures", None, None, None),
    ),
    "039-alx-oladanielt.md": (
        ("Update Flask Configuration: Ensure that environment-specific", None, None, None),
        ("Enhanced Monitoring: Implement detailed port-specific monitoring", None, None, None),
        ("Automated Deployment Checks: Introduce automated checks", None, None, None),
        ("Training: Conduct a training session for", None, None, None),
        ("Patch the Flask configuration files to", None, None, None),
        ("Add monitoring on all production servers", None, None, None),
        ("Integrate automated configuration validation into the", None, None, None),
        ("Schedule team training on environment management", None, None, None),
        ("Revise and distribute updated environment configuration", None, None, None),
    ),
    "040-alx-samiunique.md": (
        ("Implement automated tests to catch configuration", None, None, None),
        ("Regularly validate database connections to prevent", None, None, None),
        ("Enforce thorough code reviews to catch", None, None, None),
        ("Scrutinize changes to critical components like", None, None, None),
        ("Maintain clear documentation on server configurations", None, None, None),
        ("Create runbooks for troubleshooting common issues", None, None, None),
        ("Set up proactive monitoring for critical", None, None, None),
        ("Configure alerts to notify the team", None, None, None),
        ("Conduct periodic training sessions to reinforce", None, None, None),
        ("Remind developers of the importance of", None, None, None),
    ),
    "041-holberton-klitscher.md": (
        ("Code must be tested extensively before", None, None, None),
        ("If committing to master, you are", None, None, None),
        ("You are not allowed to code", None, None, None),
        ("Even if you think your code", None, None, None),
    ),
    "042-alx-654a.md": (("Careful Coding", None, None, None),),
    "043-alx-okemwag.md": (
        ("To prevent this issue from happening", None, None, None),
        ("Additionally, the team will create a", None, None, None),
    ),
    "044-alx-androidmini9x.md": (
        ("Capacity Planning: Implement a more robust", None, None, None),
        ("Query Optimization: Regularly review and optimize", None, None, None),
        ("Connection Pooling Tuning: Adjust connection pooling", None, None, None),
        ("Automated Scaling: Implement automated scaling mechanisms", None, None, None),
        ("Enhanced Monitoring: Strengthen real-time monitoring", None, None, None),
        ("Thorough Testing: Conduct load testing and", None, None, None),
        ("Emergency Response Plan: Refine and document", None, None, None),
    ),
    "045-alx-emmanueldavids.md": (
        ("Implement automated scaling for the connection", None, None, None),
        ("Enhance monitoring capabilities to proactively identify", None, None, None),
        ("Establish load testing procedures to simulate", None, None, None),
        ("Update the connection pool configuration to", None, None, None),
        ("Implement database connection pooling best practices", None, None, None),
        ("Conduct a comprehensive review of the", None, None, None),
        ("Updating the connection pool configuration, like", None, None, None),
        ("Embracing best practices for database connection", None, None, None),
        ("Conducting a thorough review of our", None, None, None),
    ),
    "046-alx-mukonyole.md": (
        ("Deploy a second standby database server", None, None, None),
        ("Enhance monitoring tools to include replication", None, None, None),
        ("Conduct a comprehensive review of all", None, None, None),
        ("Conduct a team-wide training session on", None, None, None),
        ("A follow-up meeting is scheduled for", None, None, None),
    ),
    "047-alx-mo7ammad-safwat.md": (
        ("The access verification process and", None, None, None),
        ("Improve the access verification process", None, None, None),
        ("Improve the management of permissions and", None, None, None),
    ),
    "048-alx-rihannas.md": (
        ("Make sure that the backing up", None, None, None),
        ("Create a backup process in different", None, None, None),
    ),
    "049-alx-saraalsayd.md": (
        ("Implement automated testing of database connection", None, None, None),
        ("Enhance monitoring and alerting systems for", None, None, None),
        ("Update documentation with clear guidelines on", None, None, None),
        ("Conduct a thorough review of server", None, None, None),
        ("Schedule regular performance testing and capacity", None, None, None),
        ("Hold a post-incident review to learn", None, None, None),
    ),
    "050-alx-3become4.md": (
        ("Database Scaling: Upgrade the database server", None, None, None),
        ("Load Balancing: Implement a load balancer", None, None, None),
        ("Monitoring and Alerting: Enhance monitoring tools", None, None, None),
    ),
    "051-alx-0woyemi.md": (
        ("Modifying configuration files for more error", None, None, None),
        ("Test before deploying on all servers", None, None, None),
    ),
    # The plain label line 'Corrective and Preventative Measures' has a 3-item numbered list.
    "052-alx-0xpix3l.md": (
        ("run Nginx with a less-privileged user", None, None, None),
        ("check default settings in files", None, None, None),
        ("add monitoring system", None, None, None),
    ),
}

NOTES: dict[str, str] = {
    "001-dastergon-srebook-template.md": (
        "Unfilled SRE-book template: the '## Action Items' heading has nothing under it "
        "(next heading follows directly), so zero items."
    ),
    "002-dastergon-google-api-infra-template.md": (
        "Unfilled template: '## Corrective and Preventative Measures' is the last heading "
        "and is empty, so zero items."
    ),
    "003-dastergon-kehoe-template.md": (
        "Unfilled template: '### Action Items & Followups' has a table with a header row "
        "and three all-empty data rows; all-empty rows are not items, so zero items."
    ),
    "004-sawasthi1991-shakespeare-example.md": (
        "Bold label line '**Action Items**:' (with a footnote marker) followed by a table "
        "with columns Action Item | Type | Owner; 9 data rows, owner from the Owner "
        "column, no status or ticket columns."
    ),
    "005-thatkookooguy-postmortem-001.md": (
        "No measures section at all (sections: TL;DR, Impact, Root Causes, Trigger, "
        "Resolution, Detection, Lessons Learned, Timeline, Supporting information), so "
        "zero items."
    ),
    "006-etcd-v3.5-data-inconsistency.md": (
        "'## Action items' has intro prose plus two bullet lists that define the action "
        "types (Prevent/Detect/Mitigate) and priorities (P0/P1/P2), then a table with 10 "
        "rows (Action Item | Type | Priority | Bug | Status). Judgement call: the "
        "type/priority definition bullets are explanatory intro, not action items, so "
        "only the 10 table rows count; status 'DONE' = done, empty Status cell = null; "
        "tracker_ref from the Bug column."
    ),
    "007-k8s-prow-2019-05-30.md": (
        "'## Action items' with two bullets. The first carries a link '#12829' to "
        "https://github.com/kubernetes/test-infra/issues/12829 (recorded as the rendered "
        "text '#12829'). @handles in the timeline and chat-log appendix are not owners."
    ),
    "008-k8s-prow-2019-01-23.md": (
        "'## Action Items' with two '-' bullets (one with a non-indented continuation "
        "line). The line 'TODO: k-dev email' in the Appendix is an editorial note about "
        "the document (add the email link), not a corrective measure and not a section "
        "label, so not counted."
    ),
    "009-gitlab-db-outage-2017-01-31.md": (
        "Measures section is '## Improving Recovery Procedures': a 13-item bulleted list "
        "of linked issues plus a second 2-item list (pgpool-II work) after 'We are also "
        "working on...'; both lists counted (15). The trailing prose paragraphs (abuse "
        "reporting, DR for non-database, backup dashboard, migration testing) were not "
        "counted since the section has lists; tracker_ref uses the '#NNN'/'!NNN' ref "
        "shown in the link text, or the URL when the text has none."
    ),
    "010-rust-ci-outage-2026-07-02.md": (
        "'## Corrective and Preventative Measures' is a Kind/Description table with 7 "
        "data rows; snippets taken from the Description cell. Lessons Learned bullets "
        "(including the Datadog idea) not counted."
    ),
    "011-dfds-pm2019-009-ip-starvation.md": (
        "'## Action Items' bulleted list of 4 items, each starting with a bold title "
        "followed by a colon and explanation."
    ),
    "012-dfds-pm2021-001-logs-cwl.md": (
        "'## Action Items' bulleted list of 3 items. '(issue created)' gives no actual "
        "reference, so tracker_ref null. Owners taken from '(Rasmus call for meeting)' "
        "and '(Willi call for meeting)' as the person named to drive the item (judgement "
        "call)."
    ),
    "013-dfds-pm2022-009-bad-eks-ami.md": (
        "'## Action Items' bulleted list of 7 top-level items; the three sub-bullets "
        "under the readiness/liveness item are details of that item, not separate items."
    ),
    "014-dfds-pm2023-001-total-node-failure.md": (
        "'## Action Items' bulleted list of 6 items, ending right before '## Lessons "
        "Learned' with no blank line. The last item is marked '(done)'."
    ),
    "015-dfds-pm2024-002-pods-ami-update.md": (
        "'## Action Items' has 2 bullets. Both are written in the past tense (already "
        "done), but they sit in the measures section so they are counted; status left "
        "null because there is no explicit done marker. Lessons Learned ideas not "
        "counted."
    ),
    "016-dfds-template.md": (
        "Blank template: the '## Action Items' section holds only an empty '-' bullet, so "
        "there are zero items."
    ),
    "017-mybinder-2017-09-27-hub-403.md": (
        "'## Action Items' has ### subsections (BinderHub, Deployment, Local development) "
        "used as group labels, with numbered lists of 1+3+1 items; each item has an "
        "'[Issue](url)' link, used as tracker_ref."
    ),
    "018-mybinder-2018-03-26-no-space-left.md": (
        "'## Action items' task list of 6 items: 3 marked [x] (done) and 3 marked [ ] "
        "(open); one item links a GitHub issue."
    ),
    "019-mybinder-2018-03-13-pvc-hub-locked.md": (
        "'## Action items' at the end with ### subsections (Investigation, "
        "Process/Documentation/Technical improvements) as group labels; numbered items "
        "counted. Judgement: the prose-only '### Investigation' paragraph counted as one "
        "item (a distinct measure). The empty '## Questions for follow up' list at the "
        "top has no items. '(currently blocking on #365)' is not treated as a status."
    ),
    "020-mybinder-2020-07-09-scipy-launches.md": (
        "'## Action items' with ### subsections (Process, Documentation, Code and "
        "Configuration) as group labels; numbered items, multi-paragraph items with "
        "images count once. Tracker refs are link URLs (link text is only 'issue "
        "here'/'PR'). The paragraph after the Documentation list ('Add these to the "
        "documentation ...', linking jupyterhub/binder#200) is treated as outro, not an "
        "item, and its issue is not assigned to the two doc items. Item 4 marked '_done "
        "in grafana_' -> done."
    ),
    "021-coguk-2021-03-05-blank-biosample.md": (
        "'## Corrective actions' task list at the end; [x]/[ ] give status. Items 1 and 3 "
        "link GitHub commit URLs, which are not issue/PR/ticket references, so "
        "tracker_ref left null (judgement call). 'Recovery' and 'Lessons learned' bullets "
        "are not items."
    ),
    "022-coguk-2022-04-20-foel-listener.md": (
        "'## Corrective actions' task list at the end; [x]/[ ] give status. The '## "
        "Recovery' bullets (some of which read like future measures) are recovery steps, "
        "not a measures section, so not counted. The third item's text also appears word "
        "for word in the Recovery list, so its snippet is unique only among the measures "
        "items."
    ),
    "023-2i2c-2023-02-01-daskhub-evictions.md": (
        "'## Follow-up improvements' bulleted list whose items are bare issue references; "
        "the snippet is the whole (one-token) item text since 3 words are not available."
    ),
    "024-2i2c-2025-08-12-leap-outage.md": (
        "'## Action Items' task list at the end; [x]/[ ] give status; PR URLs in items 3 "
        "and 4 used as tracker_ref."
    ),
    "025-2i2c-2023-01-23-ingress-nginx.md": (
        "No measures section (only Summary, Impact on users, Important information); zero items."
    ),
    "026-univaf-2021-06-28-external-id-migration.md": (
        "'## Action Items' has a single top-level bullet 'In the future when dealing with "
        "sensitive code ...:' that only introduces a nested list; treated as a group "
        "label, so its four children are the items (judgement call)."
    ),
    "027-univaf-2021-06-29-actions-budget.md": (
        "'## Action Items' bulleted list (loose, blank lines between). The first item's "
        "sub-bullets (one '(Done as of 2021-06-30)') are details, so the parent has no "
        "explicit status. Tracker refs are reference-style links rendered as "
        "#294/#295/#296."
    ),
    "028-univaf-2022-04-15-external-ids.md": (
        "'## Action Items' has an intro paragraph (mentioning #631), three bullets that "
        "are alternative options ('doing one of'), and a closing paragraph; per the brief "
        "each bullet is an item. #631 is in the intro, not on the items, so tracker_ref "
        "null."
    ),
    "029-learningequality-002-cloudflare.md": (
        "'# Corrective actions' bulleted list. The '# Notes to the owner' checklist (push "
        "document, schedule meetings, file issues) is postmortem-process housekeeping, "
        "not a measures section, so excluded. The document-level 'Owner: @aronasorman' is "
        "not a per-item owner."
    ),
    "030-learningequality-004-sushibar-cert.md": (
        "Plain label line 'Action Items' (no colon, not a heading) after Detection, "
        "followed by a loose bulleted list of three items; section ends at '## Lessons "
        "Learned'."
    ),
    "031-portswigger-2024-10-saas-outage.md": (
        "'## Corrective and Preventative Measures' with a 3-item numbered list (all "
        "'1.'). The first two are in the past tense ('have been made', 'has been added'), "
        "but there is no explicit status marker, so status is left null."
    ),
    "032-portswigger-2025-10-cloud-provider.md": (
        "'## Corrective and Preventative Measures' holds one prose line, with no list, so "
        "it counts as one item. The 'investigating ways to improve resilience' sentence "
        "under Resolution and Recovery is not counted."
    ),
    "033-portswigger-2026-03-script-injection.md": (
        "'## Corrective and Preventative Measures' with a 7-item numbered list. The "
        "numbered Phase 1/Phase 2 lists under Resolution and Recovery are remediation "
        "already done, so they are excluded."
    ),
    "034-redbrick-mar16.md": (
        "Only a title and an IRC log code block. There is no measures section, so there "
        "are zero items."
    ),
    "035-redbrick-template.md": (
        "Template. '## Action Items' has a table (Description | TYPE-ACTON | Related "
        "Issue | Assignee) with 2 placeholder example rows, which count as items per the "
        "brief. Owner comes from the Assignee column and tracker_ref from the Related "
        "Issue column."
    ),
    "036-alx-evelynewaters.md": (
        "The plain label line 'Corrective And Preventative Measures' has no colon and no "
        "heading markup. Below it are 3 prose lines with no blank lines between them, so "
        "markdown would render them as one paragraph. Each line is a distinct measure, so "
        "I count one item per line."
    ),
    "037-alx-obed101.md": (
        "'## Corrective and preventative measures' has an intro sentence (not an item) "
        "and then 2 lines starting with a literal '•' plus &nbsp; entities. These are not "
        "markdown list syntax but clearly are bullets, so there are 2 items. The first "
        "snippet stops before the curly apostrophe in files’."
    ),
    "038-alx-joeeazy.md": (
        "The plain label 'Corrective and Preventative Measures:' is followed by '# "
        "Improvements:' and '# Tasks:' H1 headings, which I treat as measures groups. "
        "Each holds 5 one-sentence prose paragraphs, each a distinct measure, so there "
        "are 10 items. The Improvements and Tasks items overlap in content, but both are "
        "listed."
    ),
    "039-alx-oladanielt.md": (
        "There are two measures sections: '## Corrective and Preventative Measures' "
        "(intro sentence plus 4 numbered items) and '## TODO' (5 bullets). All 9 items "
        "are counted."
    ),
    "040-alx-samiunique.md": (
        "The plain label line 'Corrective and Preventative Measures' is followed by 5 "
        "numbered entries that are only group labels ('1. Automated Testing:' and so on). "
        "Each has 2 lines starting with an em dash, which read as bullets but in markdown "
        "are only lazy continuation text. I treated the numbered entries as group labels "
        "and the 10 em-dash lines as the items. The alternative reading is 5 items."
    ),
    "041-holberton-klitscher.md": (
        "'## Corrective and Preventative Measures' has an intro sentence (not an item) "
        "and a 4-item numbered list."
    ),
    "042-alx-654a.md": (
        "'## Measures against such problem in future' has a single bullet, 'Careful "
        "Coding'. The item is only 2 words, so the snippet is shorter than the 3-word "
        "minimum."
    ),
    "043-alx-okemwag.md": (
        "The plain label 'Corrective and Preventative Measures:' is followed by 2 prose "
        "paragraphs. Each states a distinct measure (a config-testing process and a load "
        "alert), so there are 2 items. The first paragraph's 'To prevent this...' opening "
        "is part of the measure, not a separate intro."
    ),
    "044-alx-androidmini9x.md": (
        "The bold label '**Mitigation and Future Prevention:**' has a 7-item numbered "
        "list, each item starting with a bold title. The Root Causes list and the "
        "Conclusion are excluded."
    ),
    "045-alx-emmanueldavids.md": (
        "'**Corrective and Preventative Measures:**' has 2 group-label bullets "
        "('Improvements/Fixes:', 'Tasks to Address the Issue:'), each followed by 3 plain "
        "lines (lazy continuation, not list items). That gives 6 items. The humorous "
        "retelling repeats a 'Tasks to Address the Issue: ...includes:' label with 3 "
        "plain lines, which I also counted (judgement call, since they duplicate the "
        "first list). Not counted: the stray 'Intense load testing sessions...' line "
        "before that label and the conclusion prose."
    ),
    "046-alx-mukonyole.md": (
        "The plain label line 'Action Items' (no markup) has 4 plain lines, one item "
        "each. The plain 'Follow-Up' section has one sentence scheduling a review "
        "meeting; I counted it as a future action (judgement call). 'Lessons Learned' is "
        "excluded even though it is phrased like measures."
    ),
    "047-alx-mo7ammad-safwat.md": (
        "The plain label line 'Corrective and Preventive Measures' is followed by an "
        "'Improvements: ...' line with inline text and then a 'Tasks:' label with 2 plain "
        "lines. I counted the inline-labelled Improvements line as an item, like a titled "
        "paragraph, plus the 2 tasks. It could instead be read as a summary, which gives "
        "2 items."
    ),
    "048-alx-rihannas.md": (
        "'### Corrective and preventative measures must contain:' has one prose paragraph "
        "(a measure) and then a 'To-do:' label with one plain line. That makes 2 items."
    ),
    "049-alx-saraalsayd.md": (
        "'## Corrective and Preventative Measures:' has 2 bold group-label bullets "
        "('Improvements/Fixes:', 'Tasks to Address the Issue:') with nested numbered "
        "lists (2 and 4 items). There are 6 items; the closing joke sentence is excluded."
    ),
    "050-alx-3become4.md": (
        "This is a hypothetical case study. The label line 'Corrective Actions: Based on "
        "the findings, the team proposes several solutions:' is followed by 3 plain "
        "'Title: text' lines. The 'Outcome:' lines describe implementation and 'Lessons "
        "Learned:' is excluded, so neither is counted."
    ),
    "051-alx-0woyemi.md": (
        "The plain label line 'Corrective and Preventative Measures' has an intro "
        "sentence ending in 'by:' (not an item) and then 2 plain lines. The second line "
        "also carries a closing remark ('This is only a small incident...'), which is not "
        "a separate item."
    ),
    "052-alx-0xpix3l.md": (
        "The plain label line 'Corrective and Preventative Measures' has a 3-item numbered list."
    ),
}
