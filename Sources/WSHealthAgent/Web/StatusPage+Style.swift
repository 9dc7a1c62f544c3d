extension StatusPage {
    /// The page's CSS: the spec's badge colours (orange, blue, green, red), a spinner for
    /// "Connecting…", a pulsing dot for "Live", a progress bar for "Reconnecting…".
    static let style = """
        :root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
        body{margin:0 auto;max-width:76rem;padding:.5rem 1.5rem 1.5rem}
        header{display:flex;align-items:baseline;justify-content:space-between;flex-wrap:wrap;gap:.5rem 1rem}
        h1{font-size:1.35rem;margin:.6rem 0}h1 small{font-weight:400;color:#656d76;font-size:.8rem}
        nav a{margin-left:1rem;color:#0969da;text-decoration:none}nav a:hover{text-decoration:underline}
        .target{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:.6rem 0;overflow:hidden}
        summary{display:grid;grid-template-columns:minmax(14rem,1.5fr) minmax(15rem,2fr) minmax(8rem,1fr) 10rem 5rem;
        gap:.75rem;align-items:center;padding:.7rem 1rem;cursor:pointer;list-style:none}
        summary::-webkit-details-marker{display:none}
        .name{font-weight:600;overflow-wrap:anywhere}.name::before{content:"▸ ";color:#656d76}
        details[open] .name::before{content:"▾ "}
        .name small{display:block;font:400 .75rem ui-monospace,SFMono-Regular,Menlo,monospace;color:#656d76}
        .badge{display:inline-flex;align-items:center;gap:.4em;margin:0 .3em .2em 0;padding:.15em .65em;
        border-radius:999px;font-weight:600;font-size:.85rem;white-space:nowrap}
        .b-disconnected,.b-reconnecting{background:#fff1e5;color:#bc4c00}
        .b-connecting{background:#ddf4ff;color:#0969da}
        .b-connected,.b-live{background:#dafbe1;color:#1a7f37}
        .b-error{background:#ffebe9;color:#cf222e}
        .b-stale{background:#fff8c5;color:#7d4e00;font-weight:500}
        .icon{font-style:normal}
        .spinner{width:.7em;height:.7em;border:2px solid currentColor;border-right-color:transparent;
        border-radius:50%;animation:spin .8s linear infinite}
        .pulse{width:.55em;height:.55em;border-radius:50%;background:currentColor;
        animation:pulse 1.6s ease-out infinite}
        .bar{width:3em;height:.35em;border-radius:2px;background:#ffd8b5;overflow:hidden}
        .bar span{display:block;height:100%;background:currentColor}
        @keyframes spin{to{transform:rotate(360deg)}}
        @keyframes pulse{0%{box-shadow:0 0 0 0 rgba(26,127,55,.55)}80%,100%{box-shadow:0 0 0 .55em rgba(26,127,55,0)}}
        .message{display:block;color:#cf222e;font-size:.8rem}
        .chip{display:inline-block;margin:0 .3em .2em 0;padding:0 .45em;border:1px solid #d0d7de;border-radius:4px;
        font-size:.75rem;color:#57606a}
        .updated{color:#57606a;font-size:.85rem}
        button.retry{background:#cf222e;color:#fff;border:0;border-radius:6px;padding:.4em .9em;font:600 .85rem inherit;
        cursor:pointer}
        button.retry:hover{background:#a40e26}button.retry:disabled{opacity:.6;cursor:wait}
        table{width:100%;border-collapse:collapse;table-layout:fixed;font-size:.85rem}
        th:nth-child(1){width:5rem}th:nth-child(2){width:34%}th:nth-child(3){width:8rem}th:nth-child(5){width:9rem}
        th,td{text-align:left;padding:.4rem 1rem;border-top:1px solid #eaeef2;vertical-align:top}
        th{color:#57606a;font-weight:600;background:#f6f8fa}
        td small{display:block;color:#57606a;overflow-wrap:anywhere}
        button.timeline{border:0;background:none;color:#0969da;cursor:pointer;font:inherit;padding:0}
        button.timeline::before{content:"▸ ";color:#656d76}button.timeline[aria-expanded=true]::before{content:"▾ "}
        tr.timeline td{background:#f6f8fa}ol.events{list-style:none;margin:0;padding:0}
        ol.events li{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline;padding:.15rem 0}
        ol.events time{font:.75rem ui-monospace,SFMono-Regular,Menlo,monospace;color:#57606a}
        ol.events small{flex-basis:100%;color:#57606a;overflow-wrap:anywhere}
        .empty,#notice,footer{color:#57606a;font-size:.85rem}#notice{color:#0969da;min-height:1.2em}
        #alerts ul{list-style:none;padding:0;margin:0 0 1rem}#alerts h2{font-size:1rem}
        .alert{padding:.4rem .8rem;margin:.25rem 0;border-left:4px solid #bf8700;background:#fff8c5}
        .alert.critical{border-color:#cf222e;background:#ffebe9}
        @media (max-width:50rem){summary{grid-template-columns:1fr 1fr}}
        @media (prefers-reduced-motion:reduce){.spinner,.pulse{animation:none}}
        """
}
